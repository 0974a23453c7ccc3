import { describe, expect, it } from 'vitest';
import { databaseKeyPrefix, redisTargetOf } from '../src/cache.ts';

describe('databaseKeyPrefix', () => {
  it('one prefix per database: the services of one share it, two test databases on one server do not', () => {
    const a = databaseKeyPrefix('postgres://postgres@127.0.0.1:5432/renda_test_1_abcd');
    expect(databaseKeyPrefix('postgres://other@127.0.0.1:5432/renda_test_1_abcd?sslmode=disable')).toBe(a);
    expect(databaseKeyPrefix('postgres://postgres@127.0.0.1:5432/renda_test_1_ef01')).not.toBe(a);
    expect(a.endsWith(':')).toBe(true);
    // No database named (or none at all): the deployment's plain prefix, the cache's.
    expect(databaseKeyPrefix(undefined)).toBe(databaseKeyPrefix('postgres://127.0.0.1:5432'));
  });

  it('Redis from the settings: a cluster before a single server, none when neither is set', () => {
    expect(redisTargetOf(undefined, undefined)).toBeUndefined();
    expect(redisTargetOf('redis://r:6379', undefined)).toBe('redis://r:6379');
    expect(redisTargetOf('redis://r:6379', 'a:7000,b:7001')).toEqual({
      clusterNodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
  });
});
