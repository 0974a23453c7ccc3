import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { tokens, tokenFor } from '@renda/testing/tokens';
import { SignJWT } from 'jose';
import { startTestPlatform, type TestPlatform } from './harness.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform([deputiesService]);
});
afterAll(() => platform?.stop());

describe('gateway front door', () => {
  it('answers /health with the state of each subgraph', async () => {
    const res = await fetch(platform.url.replace('/graphql', '/health'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'up', subgraphs: { deputies: 'up' } });
  });

  it('serves GraphiQL and its assets from the project, not a CDN', async () => {
    const page = await fetch(platform.url.replace('/graphql', '/graphiql'));
    const html = await page.text();
    expect(html).toContain('/graphiql/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|jsdelivr)/);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css']) {
      const res = await fetch(platform.url.replace('/graphql', `/graphiql/${asset}`));
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('refuses a query deeper than 15 levels', async () => {
    let selection = 'code';
    for (let i = 0; i < 16; i++) selection = `parent { ${selection} }`;
    const { status, json } = await platform.post({ query: `{ region(code: "43") { ${selection} } }` });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors[0].message).toMatch(/depth limit of 15 exceeded/);
  });

  it('refuses more than 30 aliases', async () => {
    const fields = Array.from({ length: 31 }, (_, i) => `a${i}: region(code: "43") { code }`).join(' ');
    const { status, json } = await platform.post({ query: `{ ${fields} }` });
    expect(status).toBe(400);
    expect(json.errors[0].message).toMatch(/aliases limit of 30 exceeded/i);
  });

  it('refuses a query whose estimated cost is over the limit', async () => {
    const query = `{ deputies(first: 100) { edges { node { congress { deputies(first: 100) { edges { node { group { members { name contacts(year: 2026) { summary } } } } } } } } } } }`;
    const { status, json } = await platform.post({ query });
    expect(status).toBe(400);
    expect(json.errors[0].message).toMatch(/cost/);
  });

  it('answers malformed, batched and oversized bodies with 4xx, never 5xx', async () => {
    const malformed = await platform.post('{"query": "{ regions { code } "');
    expect(malformed.status).toBe(400);
    const batched = await platform.post([{ query: '{ regions { code } }' }, { query: '{ regions { code } }' }]);
    expect(batched.status).toBe(400);
    expect(batched.json.errors[0].message).toMatch(/Batched/);
    const big = await platform.post({ query: '{ regions { code } }', variables: { pad: 'x'.repeat(1_100_000) } });
    expect(big.status).toBe(413);
    const notQuery = await platform.post({ query: 42 });
    expect(notQuery.status).toBe(400);
    const empty = await platform.post('');
    expect(empty.status).toBeGreaterThanOrEqual(400);
    expect(empty.status).toBeLessThan(500);
  });

  it('blocks CSRF: a GET or simple-content-type request without a preflight header is refused', async () => {
    const res = await fetch(platform.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ regions { code } }"}',
    });
    expect(res.status).toBe(400);
    const get = await fetch(`${platform.url}?query=${encodeURIComponent('{ regions { code } }')}`);
    expect(get.status).toBe(400);
    const allowed = await fetch(`${platform.url}?query=${encodeURIComponent('{ regions { code } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(allowed.status).toBe(200);
  });

  it('treats a present but invalid token as UNAUTHENTICATED, never as the public', async () => {
    const query = { query: '{ regions { code } }' };
    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode('another-secret-of-enough-length'));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'ADMIN' })).toString('base64url')}.`;
    const expired = await tokenFor({ role: 'ADMIN' }).then(() =>
      new SignJWT({ role: 'ADMIN' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode('renda-graph-development-secret-change-me')),
    );
    for (const token of [forged, none, expired, 'not-a-jwt']) {
      const { status, json } = await platform.post(query, { authorization: `Bearer ${token}` });
      expect(status).toBe(401);
      expect(json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const ok = await platform.post(query, { authorization: `Bearer ${await tokens.admin()}` });
    expect(ok.status).toBe(200);
  });

  it('subgraphs refuse any call without the shared secret, _service and _entities included', async () => {
    const subgraphUrl = platform.services.deputies!.url;
    for (const query of [
      '{ _service { sdl } }',
      '{ _entities(representations: [{__typename: "Deputy", id: "x"}]) { __typename } }',
      '{ regions { code } }',
    ]) {
      const res = await fetch(subgraphUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBe(403);
    }
    const wrong = await fetch(subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-subgraph-secret': 'guess' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(wrong.status).toBe(403);
  });
});
