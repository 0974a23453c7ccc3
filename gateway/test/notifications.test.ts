import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { devSubgraphSecret } from '@renda/server-kit/env';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/** A deputy's inbox as a client meets it through the gateway, fed by an event a relay posted to the hub. */
let platform: TestPlatform;
let admin: string;
const deputies: string[] = [];

async function ok(query: string, variables: Record<string, unknown> = {}, token = admin) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

function internalEvents(base: string) {
  return base.replace(/\/graphql$/, '/internal/events');
}

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService]);
  admin = await tokens.admin();
  await ok(`mutation { createRegion(input: { code: "43", name: "湖南省", level: PROVINCE }) { code } }`);
  await ok(`mutation { createRegion(input: { code: "4301", name: "长沙市", level: CITY }) { code } }`);
  await ok(`mutation { createRegion(input: { code: "430181", name: "浏阳市", level: COUNTY }) { code } }`);
  const congress = (
    await ok(
      `mutation { createCongress(input: { regionCode: "430181", termNumber: 18, name: "浏阳市第十八届人民代表大会", startsOn: "2024-01-10", endsOn: "2029-01-09" }) { id } }`,
    )
  ).createCongress.id;
  for (const name of ['周建国', '吴秀英']) {
    const input = {
      congressId: congress,
      regionCode: '430181',
      name,
      gender: 'MALE',
      workUnit: '单位',
      position: '职务',
      constituency: '第一选区',
    };
    deputies.push(
      (await ok(`mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`, { i: input })).createDeputy.id,
    );
  }
}, 300_000);

afterAll(() => platform?.stop());

describe('notifications through the gateway', () => {
  it("a reply event becomes the deputy's unread notification on `me`, read once marked; nobody else reads it", async () => {
    const event = {
      id: randomUUID(),
      service: 'suggestions',
      type: 'suggestion.reply',
      aggregateType: 'Suggestion',
      aggregateId: randomUUID(),
      regionCode: '430181',
      occurredAt: '2026-06-15T01:00:00Z',
      data: { title: '关于增设公交站点的建议' },
      audience: { deputyIds: [deputies[0]] },
    };
    const posted = await fetch(internalEvents(platform.services.deputies!.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-subgraph-secret': devSubgraphSecret },
      body: JSON.stringify({ events: [event] }),
    });
    expect(posted.status).toBe(200);
    // The hub's route is the subgraph's, not the gateway's: clients cannot post events.
    const throughGateway = await fetch(internalEvents(platform.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-subgraph-secret': devSubgraphSecret },
      body: JSON.stringify({ events: [event] }),
    });
    expect(throughGateway.status).toBe(404);

    const own = await tokens.deputy('430181', deputies[0]!);
    const inbox = `{ me { name notifications(first: 10, unreadOnly: true) { totalCount unreadCount edges { node { id title body aggregateId } } } } }`;
    const unread = (await ok(inbox, {}, own)).me;
    expect(unread.name).toBe('周建国');
    expect(unread.notifications.totalCount).toBe(1);
    expect(unread.notifications.edges[0].node).toMatchObject({
      title: '您的建议已答复',
      aggregateId: event.aggregateId,
    });
    expect(unread.notifications.edges[0].node.body).toContain('关于增设公交站点的建议');

    const other = await platform.execute(
      `query($id: ID!) { deputy(id: $id) { name notifications { totalCount } } }`,
      { id: deputies[0] },
      await tokens.deputy('430181', deputies[1]!),
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(other.data).toEqual({ deputy: { name: '周建国', notifications: null } });

    await ok(
      `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`,
      { ids: [unread.notifications.edges[0].node.id] },
      own,
    );
    expect((await ok(inbox, {}, own)).me.notifications).toMatchObject({ totalCount: 0, unreadCount: 0 });
  });

  it('a webhook URL that is not http(s) is BAD_USER_INPUT through the gateway too (its message survives the masking)', async () => {
    const staff = await tokens.staff('430181');
    const register = `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret webhook { id } } }`;
    for (const url of ['ftp://sms.example.cn/hook', '']) {
      const result = await platform.execute(
        register,
        { i: { url, regionCode: '430181', eventTypes: ['suggestion.reply'] } },
        staff,
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
      expect(result.errors?.[0]?.message).toMatch(/http or https/);
    }
    const made = await ok(
      register,
      { i: { url: 'https://sms.example.cn/hook', regionCode: '430181', eventTypes: ['suggestion.reply'] } },
      staff,
    );
    expect(made.registerWebhook.secret).toMatch(/^whsec_/);
  });
});
