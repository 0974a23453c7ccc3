import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { demoId } from '@renda/db/ids';
import { deputiesService } from '@renda/deputies/server';
import { defaultPointsScheme } from '@renda/deputies/modules/points/scheme';
import { readSettings } from '@renda/deputies/env';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { supergraphPath } from '../src/compose.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/** D-11 积分 over the demo data: the duty record of four subgraphs, weighed by the local scheme. */
let platform: TestPlatform;
const services = [deputiesService, supervisionService, suggestionsService, votingService];
/** The deputies service's settings, injected: a congress changing its weights changes the scheme in force. */
const deputySettings = readSettings({});

beforeAll(async () => {
  platform = await startTestPlatform(services, {
    demo: true,
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    settings: { deputies: deputySettings },
    // The weights change here while the services run; a deployment changes them by restarting, which
    // empties the subgraphs' answer cache (it keys on the data, not on settings that never change in a process).
    answerCacheMegabytes: 0,
  });
}, 180_000);
afterAll(() => platform?.stop());

async function data(query: string, token?: string, variables?: Record<string, unknown>) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

type Line = { item: string; count: number; weight: number; points: number };
const lineOf = (lines: Line[], item: string) => lines.find((l) => l.item === item)!;

describe('points (D-11)', () => {
  it("D-11: a deputy's points count each part of the duty record as the subgraph that keeps it counts it", async () => {
    const staff = await tokens.staff('430181');
    // Every demo deputy of Liuyang's county congress: each line must agree with the owner's own figure.
    const page = await data(
      `{ congress(id: "${demoId('congress:430181')}") { deputies(first: 40) { edges { node { id
      points(year: 2026) { year total lines { item count weight points } }
      duty(year: 2026) { voterContacts groupActivities sessionsAbsentWithoutLeave }
      contacts(year: 2026, kind: DUTY_REPORT) { id }
      suggestionCount(year: 2026) ballotsCast(year: 2026) supervisedProjects { id } inspections(year: 2026) { id }
    } } } } }`,
      staff,
    );
    const deputies = page.congress.deputies.edges.map((e: { node: any }) => e.node);
    expect(deputies.length).toBe(40);
    let nonZero = 0;
    for (const d of deputies) {
      const lines: Line[] = d.points.lines;
      expect(lineOf(lines, 'VOTER_CONTACT').count).toBe(d.duty.voterContacts);
      expect(lineOf(lines, 'GROUP_ACTIVITY').count).toBe(d.duty.groupActivities);
      expect(lineOf(lines, 'SESSION_ABSENT_WITHOUT_LEAVE').count).toBe(d.duty.sessionsAbsentWithoutLeave);
      expect(lineOf(lines, 'DUTY_REPORT').count).toBe(d.contacts.length);
      expect(lineOf(lines, 'SUGGESTION_LED').count).toBe(d.suggestionCount);
      expect(lineOf(lines, 'BALLOT_CAST').count).toBe(d.ballotsCast);
      expect(lineOf(lines, 'SUPERVISED_PROJECT').count).toBe(d.supervisedProjects.length);
      expect(lineOf(lines, 'INSPECTION').count).toBe(d.inspections.length);
      if (lines.some((l) => l.item !== 'VOTER_CONTACT' && l.item !== 'GROUP_ACTIVITY' && l.count > 0)) nonZero += 1;
    }
    // The demo data reaches the other subgraphs' items, so the lines above were really compared.
    expect(nonZero).toBeGreaterThan(0);
  });

  it('D-11: rankings per congress and group put the highest total first; a change of weights recomputes', async () => {
    const staff = await tokens.staff('430181');
    const rankingQuery = `{ congress(id: "${demoId('congress:430181')}") { pointsRanking(year: 2026) { rank deputy { id } points { total lines { item count } } } } }`;
    const ranking = (await data(rankingQuery, staff)).congress.pointsRanking;
    expect(ranking.length).toBe(40);
    const totals = ranking.map((r: { points: { total: number } }) => r.points.total);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(ranking[0].rank).toBe(1);
    for (let i = 1; i < ranking.length; i++)
      expect(ranking[i].rank).toBe(totals[i] === totals[i - 1] ? ranking[i - 1].rank : i + 1);
    // Only ballots cast count now: the ranking follows the ballots.
    deputySettings.pointsScheme = {
      ...defaultPointsScheme,
      deputy: {
        ...Object.fromEntries(Object.keys(defaultPointsScheme.deputy).map((k) => [k, 0])),
        BALLOT_CAST: 7,
      } as typeof defaultPointsScheme.deputy,
    };
    try {
      const reweighed = (await data(rankingQuery, staff)).congress.pointsRanking;
      for (const r of reweighed) {
        const ballots = r.points.lines.find((l: { item: string }) => l.item === 'BALLOT_CAST').count;
        expect(r.points.total).toBe(7 * ballots);
      }
    } finally {
      deputySettings.pointsScheme = defaultPointsScheme;
    }
    const group = await data(
      `{ congress(id: "${demoId('congress:430181')}") { deputies(first: 1) { edges { node { group { id pointsRanking(year: 2026) { rank deputy { group { id } } } } } } } } }`,
      staff,
    );
    const node = group.congress.deputies.edges[0].node;
    expect(node.group.pointsRanking.length).toBeGreaterThan(0);
    expect(
      node.group.pointsRanking.every((r: { deputy: { group: { id: string } } }) => r.deputy.group.id === node.group.id),
    ).toBe(true);
  });

  it('D-4, D-8: committee members earn points for contacts and attendance and lose them for absences', async () => {
    const staff = await tokens.staff('430181');
    const members = (
      await data(
        `{ congress(id: "${demoId('congress:430181')}") { memberPointsRanking(year: 2026) { rank member { id name meetingAbsences(year: 2026) } points { total lines { item count points } } } } }`,
        staff,
      )
    ).congress.memberPointsRanking;
    expect(members.length).toBe(8);
    const last = members.at(-1);
    // The demo member absent without leave from both meetings ranks last, with the absences weighed.
    expect(last.member.meetingAbsences).toBe(2);
    expect(last.points.lines.find((l: { item: string }) => l.item === 'MEETING_ABSENT_WITHOUT_LEAVE').count).toBe(2);
  });

  it('D-8, D-11: a session absence corrected or withdrawn leaves the points and the duty archive', async () => {
    const staff = await tokens.staff('430181');
    const deputyId = demoId('deputy:430181:1');
    const session = (
      await data(`{ congress(id: "${demoId('congress:430181')}") { sessions { id number opensOn } } }`, staff)
    ).congress.sessions.find((s: { number: number }) => s.number === 1);
    const year = Number(session.opensOn.slice(0, 4));
    const absences = async () => {
      const d = (
        await data(
          `query($id: ID!, $y: Int!) { deputy(id: $id) { status points(year: $y) { lines { item count } } duty(year: $y) { sessionsAbsentWithoutLeave } } }`,
          staff,
          { id: deputyId, y: year },
        )
      ).deputy;
      return [
        lineOf(d.points.lines, 'SESSION_ABSENT_WITHOUT_LEAVE').count,
        d.duty.sessionsAbsentWithoutLeave,
        d.status,
      ];
    };
    const record = `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { id version status } }`;
    const row = (await data(record, staff, { i: { sessionId: session.id, deputyId, status: 'ABSENT' } }))
      .recordAttendance;
    expect(await absences()).toEqual([1, 1, 'ACTIVE']);
    const corrected = (
      await data(
        `mutation($id: ID!, $v: Int!) { correctSessionAttendance(id: $id, version: $v, input: { status: EXCUSED, leaveReason: "出差" }, reason: "实为请假") { version status } }`,
        staff,
        { id: row.id, v: row.version },
      )
    ).correctSessionAttendance;
    expect(corrected.status).toBe('EXCUSED');
    expect(await absences()).toEqual([0, 0, 'ACTIVE']);
    const again = (await data(record, staff, { i: { sessionId: session.id, deputyId, status: 'ABSENT' } }))
      .recordAttendance;
    expect(await absences()).toEqual([1, 1, 'ACTIVE']);
    await data(
      `mutation($id: ID!, $v: Int!) { withdrawSessionAttendance(id: $id, version: $v, reason: "录入错误") { withdrawnAt } }`,
      staff,
      { id: again.id, v: again.version },
    );
    expect(await absences()).toEqual([0, 0, 'ACTIVE']);
    // The demo as it was: present at the first session.
    await data(record, staff, { i: { sessionId: session.id, deputyId, status: 'PRESENT' } });
  });

  it('D-11: points and rankings are for the deputy, staff and analysts of the region', async () => {
    const deputy = demoId('deputy:430181:1');
    const query = `{ deputy(id: "${deputy}") { points(year: 2026) { total } } }`;
    expect((await platform.execute(query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await platform.execute(query, {}, await tokens.staff('4306'))).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    await data(query, await tokens.deputy('430181', deputy));
    await data(query, await tokens.analyst('43'));
    const ranking = `{ congress(id: "${demoId('congress:430181')}") { pointsRanking(year: 2026) { rank } } }`;
    expect(
      (await platform.execute(ranking, {}, await tokens.deputy('430181', deputy))).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
  });

  it('the demo data shows each new record of the deputies service (D-5, D-12, D-14)', async () => {
    const staff = await tokens.staff('43');
    const mayor = await data(
      `{ governmentLeader(id: "${demoId('leader:4306:mayor')}") { linkGap unvisited(year: 2026) { id } } }`,
      staff,
    );
    expect(mayor.governmentLeader).toEqual({ linkGap: 0, unvisited: [{ id: demoId('deputy:4306:5') }] });
    // Yueyang's mayor has 5 links and its vice-mayor none: 5 of the 10 owed; 4 of the 5 linked were visited.
    const stats = await data(
      `{ region(code: "4306") { deputyStats(year: 2026) { leaderLinks { rate numerator denominator } leaderVisits { rate numerator denominator } } } }`,
      staff,
    );
    expect(stats.region.deputyStats).toEqual({
      leaderLinks: { rate: 0.5, numerator: 5, denominator: 10 },
      leaderVisits: { rate: 0.8, numerator: 4, denominator: 5 },
    });
    const person = await data(
      `{ deputy(id: "${demoId('deputy:430181:1')}") { person { mandates { congress { level } } } } }`,
    );
    expect(person.deputy.person.mandates.map((m: { congress: { level: string } }) => m.congress.level).sort()).toEqual([
      'COUNTY',
      'TOWNSHIP',
    ]);
    // Demo deputy 3 is in the first group, whose last year was checked.
    const group = await data(
      `{ deputy(id: "${demoId('deputy:430181:3')}") { group { id activity(year: 2025) { review { comment } } } } }`,
      staff,
    );
    expect(group.deputy.group.id).toBe(demoId('group:430181:1'));
    expect(group.deputy.group.activity.review.comment).toContain('建议');
  });
});
