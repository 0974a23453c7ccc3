import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canMove, isSendBack, nextStages, pathTo, stageOrder, transitions } from './process.ts';
import { isCoercionRisk, isOverdue, motionMinCoSigners, replyDueOn } from './suggestions.service.ts';
import { assessmentScore } from '../stats/stats.service.ts';
import type { SuggestionStage } from './suggestion.entity.ts';

describe('the transition table', () => {
  it('S-3: every forward step goes later in the 12-step order; the only way back is EVALUATED → HANDLING', () => {
    for (const [from, tos] of Object.entries(transitions) as [SuggestionStage, readonly SuggestionStage[]][]) {
      for (const to of tos) {
        if (isSendBack(from, to)) continue;
        expect(stageOrder.indexOf(to)).toBeGreaterThan(stageOrder.indexOf(from));
      }
    }
    expect(
      Object.entries(transitions).flatMap(([from, tos]) =>
        tos
          .filter((to) => stageOrder.indexOf(to) < stageOrder.indexOf(from as SuggestionStage))
          .map((to) => `${from}->${to}`),
      ),
    ).toEqual(['EVALUATED->HANDLING']);
  });

  it('S-3: only 督办 and 视察 may be skipped, and only by ordinary items', () => {
    expect(canMove('HANDLING', 'REVIEWED', false)).toBe(true);
    expect(canMove('HANDLING', 'REVIEWED', true)).toBe(false);
    expect(canMove('REPLIED', 'FOLLOWED_UP', false)).toBe(true);
    expect(canMove('REPLIED', 'FOLLOWED_UP', true)).toBe(false);
    expect(nextStages('HANDLING', true)).toEqual(['SUPERVISED']);
    expect(pathTo('ARCHIVED', false)).toEqual([
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'REVIEWED',
      'REPLIED',
      'FOLLOWED_UP',
      'EVALUATED',
      'SUMMARIZED',
      'PUBLISHED',
      'ARCHIVED',
    ]);
    expect(pathTo('ARCHIVED', true)).toEqual([...stageOrder]);
  });

  it('S-3: no pair of stages skips a step other than the two optional ones (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...stageOrder), fc.constantFrom(...stageOrder), fc.boolean(), (from, to, key) => {
        if (!canMove(from, to, key) || isSendBack(from, to)) return true;
        const skipped = stageOrder.slice(stageOrder.indexOf(from) + 1, stageOrder.indexOf(to));
        return skipped.every((s) => !key && (s === 'SUPERVISED' || s === 'INSPECTED'));
      }),
    );
  });
});

describe('rules as functions', () => {
  it('S-1: motions need 10 co-signers at county level and above, 5 at township level', () => {
    expect(motionMinCoSigners('43')).toBe(10);
    expect(motionMinCoSigners('4306')).toBe(10);
    expect(motionMinCoSigners('430181')).toBe(10);
    expect(motionMinCoSigners('430181104')).toBe(5);
  });

  it('S-4: due 3 months after assignment (6 when complex), clamped to the month end', () => {
    expect(replyDueOn('2026-11-30', false)).toBe('2027-02-28');
    expect(replyDueOn('2027-11-30', false)).toBe('2028-02-29');
    expect(replyDueOn('2026-08-31', true)).toBe('2027-02-28');
    expect(replyDueOn('2026-06-15', false)).toBe('2026-09-15');
    expect(isOverdue({ replyDueOn: '2026-09-15', repliedOn: null }, '2026-09-15')).toBe(false);
    expect(isOverdue({ replyDueOn: '2026-09-15', repliedOn: null }, '2026-09-16')).toBe(true);
    expect(isOverdue({ replyDueOn: '2026-09-15', repliedOn: '2026-12-01' }, '2026-12-16')).toBe(false);
    // Replied late: overdue on the days between the due date and the reply, not after.
    expect(isOverdue({ replyDueOn: '2026-09-15', repliedOn: '2026-12-01' }, '2026-11-30')).toBe(true);
  });

  it('S-7: satisfied or basically satisfied with an EXPLAINED reply is a coercion risk', () => {
    expect(isCoercionRisk('SATISFIED', 'EXPLAINED')).toBe(true);
    expect(isCoercionRisk('BASICALLY_SATISFIED', 'EXPLAINED')).toBe(true);
    expect(isCoercionRisk('DISSATISFIED', 'EXPLAINED')).toBe(false);
    expect(isCoercionRisk('SATISFIED', 'SOLVED')).toBe(false);
  });

  it('S-8: the score is 40·onTime + 40·satisfaction + 20·resolution, 0 to 100', () => {
    const r = (numerator: number, denominator: number) => ({
      rate: denominator ? numerator / denominator : null,
      numerator,
      denominator,
    });
    expect(assessmentScore({ onTime: r(1, 1), satisfaction: r(1, 1), resolution: r(1, 1) })).toBe(100);
    expect(assessmentScore({ onTime: r(1, 2), satisfaction: r(3, 4), resolution: r(1, 5) })).toBe(54);
  });

  it('S-8: a rate with nothing to count is left out of the score, not counted as 0; weights are local', () => {
    const r = (numerator: number, denominator: number) => ({
      rate: denominator ? numerator / denominator : null,
      numerator,
      denominator,
    });
    // Replied on time and solved, nothing rated yet: 100 over the weights that count, not 60.
    expect(assessmentScore({ onTime: r(2, 2), satisfaction: r(0, 0), resolution: r(2, 2) })).toBe(100);
    expect(assessmentScore({ onTime: r(0, 0), satisfaction: r(0, 0), resolution: r(0, 0) })).toBeNull();
    expect(
      assessmentScore(
        { onTime: r(1, 1), satisfaction: r(0, 1), resolution: r(0, 1) },
        { onTime: 50, satisfaction: 30, resolution: 20 },
      ),
    ).toBe(50);
  });
});
