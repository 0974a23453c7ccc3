import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { calendarDateOf } from '@renda/server-kit/dates';
import { suggestionsService } from '../src/server.ts';
import { loadSyntheticProvince } from '../src/bench-data.ts';
import { templateCounty } from '../src/bench-template.ts';
import { canMove, isSendBack } from '../src/modules/suggestions/process.ts';
import {
  isCoercionRisk,
  isOverdue,
  registerKeyOf,
  replyDueOn,
  replyFacts,
} from '../src/modules/suggestions/suggestions.service.ts';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SerialCounterSchema,
  SheetSchema,
  SuggestionKeySchema,
  SuggestionSchema,
  SuggestionSignerSchema,
  type EvaluationRow,
  type ProcessStepRow,
  type ReplyRow,
  type Suggestion,
} from '../src/modules/suggestions/suggestion.entity.ts';
import { primaryDb, regionYearCounts, type Counts } from '../src/modules/stats/stats.store.ts';
import { sameCounts } from '../src/modules/stats/stats.service.ts';

/**
 * The benchmark's synthetic province (issue 9): a template written through the write functions, copied by
 * set-based SQL. Every copied item's derived facts must be what the write path's rules make of its own stored
 * inputs, its step log a walk of the transition table ending in its stage, and the figures through GraphQL the
 * live aggregate: a copy that drifts from the write path fails here.
 */
const items = 3000;
const now = '2026-06-15T02:00:00Z';
let stack: TestStack;
const em = () => stack.services.suggestions!.orm.em.fork();

let all: Suggestion[];
const byItem = <T extends { suggestionId: string }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.suggestionId, [...(map.get(row.suggestionId) ?? []), row]);
  return map;
};
let steps: Map<string, ProcessStepRow[]>;
let replies: Map<string, ReplyRow[]>;
let evaluations: Map<string, EvaluationRow[]>;

beforeAll(async () => {
  stack = await startTestServices([suggestionsService], { now });
  await loadSyntheticProvince(stack.services.suggestions!, items, 2025);
  const e = em();
  all = await e.find(SuggestionSchema, {});
  steps = byItem(await e.find(ProcessStepSchema, {}, { orderBy: { ordinal: 'asc' } }));
  replies = byItem(await e.find(ReplySchema, {}));
  evaluations = byItem(await e.find(EvaluationSchema, {}));
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('synthetic province', () => {
  it('holds `items` copies over the three years and the province, none of the template', () => {
    expect(all).toHaveLength(items);
    expect(new Set(all.map((s) => s.year))).toEqual(new Set([2024, 2025, 2026]));
    expect(all.filter((s) => s.regionCode.startsWith(templateCounty))).toEqual([]);
    expect(all.every((s) => /^43\d{7}$/.test(s.regionCode))).toBe(true);
    // Every stage the template rests in, and both rounds.
    expect(new Set(all.map((s) => s.stage))).toEqual(
      new Set(['RECEIVED', 'HANDLING', 'REPLIED', 'EVALUATED', 'PUBLISHED']),
    );
    expect(all.some((s) => s.round === 2 && s.stage === 'EVALUATED')).toBe(true);
    expect(all.some((s) => s.isKey)).toBe(true);
  });

  it("keeps each item's year, register and serial as the write path makes them", async () => {
    const e = em();
    const keys = new Map((await e.find(SuggestionKeySchema, {})).map((k) => [k.id, k]));
    const counters = new Map(
      (await e.find(SerialCounterSchema, {})).map((c) => [`${c.registerKey}|${c.kind}`, c.last]),
    );
    const serials = new Set<string>();
    const last = new Map<string, number>();
    for (const s of all) {
      expect(calendarDateOf(s.registeredAt).slice(0, 4)).toBe(String(s.year));
      expect(s.registerKey).toBe(registerKeyOf(s.regionCode, s.year));
      const serial = `${s.registerKey}|${s.kind}|${s.serialNumber}`;
      expect(serials.has(serial)).toBe(false);
      serials.add(serial);
      const register = `${s.registerKey}|${s.kind}`;
      last.set(register, Math.max(last.get(register) ?? 0, s.serialNumber));
      expect(keys.get(s.id)).toMatchObject({
        year: s.year,
        registerKey: s.registerKey,
        kind: s.kind,
        serialNumber: s.serialNumber,
      });
    }
    expect(keys.size).toBe(items);
    expect(counters).toEqual(last);
  });

  it('keeps one lead unit per county, named among its handling units, and the lead deputy among its signers', async () => {
    const e = em();
    const units = byItem(await e.find(HandlingUnitSchema, {}));
    const signers = byItem(await e.find(SuggestionSignerSchema, {}));
    const countyOf = new Map<string, string>();
    for (const s of all) {
      expect(signers.get(s.id)?.find((x) => x.lead)?.deputyId).toBe(s.leadDeputyId);
      if (!s.leadUnitId) continue;
      expect(units.get(s.id)?.find((u) => u.role === 'LEAD')?.unitId).toBe(s.leadUnitId);
      expect(countyOf.get(s.leadUnitId) ?? s.regionCode.slice(0, 6)).toBe(s.regionCode.slice(0, 6));
      countyOf.set(s.leadUnitId, s.regionCode.slice(0, 6));
    }
    expect(countyOf.size).toBeGreaterThan(1);
  });

  it('leaves no copied row without its item (the copy checks no foreign key row by row)', async () => {
    const e = em();
    const ids = new Set(all.map((s) => s.id));
    const yearOf = new Map(all.map((s) => [s.id, s.year]));
    for (const entity of [
      HandlingUnitSchema,
      SuggestionSignerSchema,
      ReplySchema,
      EvaluationSchema,
      SheetSchema,
      ProcessStepSchema,
    ] as const) {
      const rows = (await e.find(entity as typeof ReplySchema, {})) as { suggestionId: string; year?: number }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => !ids.has(r.suggestionId))).toEqual([]);
      expect(rows.filter((r) => r.year !== undefined && r.year !== yearOf.get(r.suggestionId))).toEqual([]);
    }
  });

  it("derives every item's facts from its own replies and evaluations by the write path's rules", () => {
    let late = 0;
    let risks = 0;
    for (const s of all) {
      const log = steps.get(s.id)!;
      // The deadline: assignment's, or after a send-back the day of the round-2 step.
      const sentBack = log.find((p, i) => i > 0 && isSendBack(log[i - 1]!.stage, p.stage));
      if (s.assignedOn) {
        const from = sentBack ? calendarDateOf(sentBack.at) : s.assignedOn;
        expect(s.replyDueOn).toBe(replyDueOn(from, s.complex));
      } else expect(s.replyDueOn).toBeNull();
      const reply = replies.get(s.id)?.find((r) => r.round === s.round);
      if (s.replyCategory) {
        expect(reply).toBeDefined();
        const facts = replyFacts(s, reply!.category, reply!.repliedOn);
        expect({ replyCategory: s.replyCategory, repliedOn: s.repliedOn, replyOnTime: s.replyOnTime }).toEqual(facts);
        expect(reply!.onTime).toBe(facts.replyOnTime);
        if (!facts.replyOnTime) late++;
      } else {
        expect(reply).toBeUndefined();
        expect([s.repliedOn, s.replyOnTime]).toEqual([null, null]);
      }
      const rated = (evaluations.get(s.id) ?? []).sort((a, b) => b.round - a.round)[0];
      if (rated) {
        const ratedReply = replies.get(s.id)!.find((r) => r.round === rated.round)!;
        expect(s.latestResult).toBe(rated.result);
        expect(s.coercionRisk).toBe(isCoercionRisk(rated.result, ratedReply.category));
        expect(rated.coercionRisk).toBe(s.coercionRisk);
        if (s.coercionRisk) risks++;
      } else {
        expect([s.latestResult, s.coercionRisk]).toEqual([null, false]);
      }
    }
    expect(late).toBeGreaterThan(0);
    expect(risks).toBeGreaterThan(0);
  });

  it("walks each item's step log through the transition table to its stage", () => {
    for (const s of all) {
      const log = steps.get(s.id)!;
      expect(log.map((p) => p.ordinal)).toEqual(log.map((_, i) => i + 1));
      expect(log.length).toBe(s.stepCount);
      expect(log[0]!.stage).toBe('RECEIVED');
      for (let i = 1; i < log.length; i++) {
        const [a, b] = [log[i - 1]!, log[i]!];
        expect(canMove(a.stage, b.stage, s.isKey), `${s.id}: ${a.stage} → ${b.stage}`).toBe(true);
        expect(b.round).toBe(isSendBack(a.stage, b.stage) ? a.round + 1 : a.round);
        expect(b.at >= a.at).toBe(true);
      }
      expect(log.at(-1)!.stage).toBe(s.stage);
      expect(log.at(-1)!.round).toBe(s.round);
      expect(log.every((p) => p.year === s.year)).toBe(true);
    }
  });

  it('answers Region.suggestionStats through GraphQL as the live aggregate counts, overdue by `isOverdue`', async () => {
    const token = await tokens.analyst('43');
    for (const year of [2024, 2025, 2026]) {
      const on = year < 2026 ? `${year}-12-31` : now.slice(0, 10);
      const data = await ok(
        stack.services.suggestions!.subgraph,
        `query($y: Int!) { _entities(representations: [{__typename: "Region", code: "43"}]) {
          ... on Region { suggestionStats(year: $y) { total keyItems replied repliedOnTime overdue evaluated satisfied
            basicallySatisfied dissatisfied coercionRisks } } } }`,
        { y: year },
        token,
      );
      const stats = data._entities[0].suggestionStats;
      const [live] = await regionYearCounts(primaryDb(em()), 'live', ['43'], year, on);
      const [rolled] = await regionYearCounts(primaryDb(em()), 'rollups', ['43'], year, on);
      expect(sameCounts(live, rolled)).toBe(true);
      const l = live as Counts;
      expect(stats).toEqual({
        total: l.total,
        keyItems: l.key_items,
        replied: l.replied,
        repliedOnTime: l.replied_on_time,
        overdue: l.overdue,
        evaluated: l.evaluated,
        satisfied: l.satisfied,
        basicallySatisfied: l.basically_satisfied,
        dissatisfied: l.dissatisfied,
        coercionRisks: l.coercion_risks,
      });
      const ofYear = all.filter((s) => s.year === year);
      expect(stats.total).toBe(ofYear.length);
      expect(stats.overdue).toBe(ofYear.filter((s) => isOverdue(s, on)).length);
      expect(stats.overdue).toBeGreaterThan(0);
    }
  });
});
