import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Apollo Server's store of parsed and validated operations, bounded by count (its default is bounded
 * by an estimate of 30 MiB). A deployment asks a few hundred distinct operations; a client sending
 * endless new ones only pushes old ones out.
 */
export function documentStore(max: number) {
  const lru = new LRUCache<string, DocumentNode>({ max: Math.max(max, 1) });
  return {
    async get(key: string) {
      return lru.get(key);
    },
    async set(key: string, value: DocumentNode) {
      lru.set(key, value);
    },
    async delete(key: string) {
      return lru.delete(key);
    },
  };
}
