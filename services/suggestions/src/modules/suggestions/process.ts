import type { SuggestionStage } from './suggestion.entity.ts';

/**
 * S-3: the 12 steps (003 art. 4) as the one table of allowed transitions. 督办 SUPERVISED (before
 * the review and reply) and 视察 INSPECTED (before the follow-up) may be skipped by ordinary items;
 * EVALUATED → HANDLING is the one way back, taken only by a dissatisfied evaluation of round 1 (S-7).
 */
export const transitions: Record<SuggestionStage, readonly SuggestionStage[]> = {
  RECEIVED: ['ASSIGNED'],
  ASSIGNED: ['HANDLING'],
  HANDLING: ['SUPERVISED', 'REVIEWED'],
  SUPERVISED: ['REVIEWED'],
  REVIEWED: ['REPLIED'],
  REPLIED: ['INSPECTED', 'FOLLOWED_UP'],
  INSPECTED: ['FOLLOWED_UP'],
  FOLLOWED_UP: ['EVALUATED'],
  EVALUATED: ['SUMMARIZED', 'HANDLING'],
  SUMMARIZED: ['PUBLISHED'],
  PUBLISHED: ['ARCHIVED'],
  ARCHIVED: [],
};

/** S-3, S-5: the steps a key item may not skip. */
export const requiredForKeyItems: readonly SuggestionStage[] = ['SUPERVISED', 'INSPECTED'];

/** The 12 steps in their order (003 art. 4). */
export const stageOrder: readonly SuggestionStage[] = [
  'RECEIVED',
  'ASSIGNED',
  'HANDLING',
  'SUPERVISED',
  'REVIEWED',
  'REPLIED',
  'INSPECTED',
  'FOLLOWED_UP',
  'EVALUATED',
  'SUMMARIZED',
  'PUBLISHED',
  'ARCHIVED',
];

/** Chinese name of each step, for messages. */
export const stageNames: Record<SuggestionStage, string> = {
  RECEIVED: '承接',
  ASSIGNED: '交办',
  HANDLING: '办理',
  SUPERVISED: '督办',
  REVIEWED: '审核',
  REPLIED: '答复',
  INSPECTED: '视察',
  FOLLOWED_UP: '回访',
  EVALUATED: '考评',
  SUMMARIZED: '总结',
  PUBLISHED: '公开',
  ARCHIVED: '归档',
};

/**
 * The steps that may follow `from`. A key item may not skip a step of `requiredForKeyItems`: a
 * transition that jumps over one (HANDLING → REVIEWED, REPLIED → FOLLOWED_UP) is not open to it.
 */
export function nextStages(from: SuggestionStage, isKey: boolean): SuggestionStage[] {
  return transitions[from].filter((to) => !(isKey && skipsRequired(from, to)));
}

function skipsRequired(from: SuggestionStage, to: SuggestionStage): boolean {
  const a = stageOrder.indexOf(from);
  const b = stageOrder.indexOf(to);
  return b > a && requiredForKeyItems.some((s) => stageOrder.indexOf(s) > a && stageOrder.indexOf(s) < b);
}

/** S-7: the one way back, open only to a dissatisfied first-round evaluation. */
export function isSendBack(from: SuggestionStage, to: SuggestionStage): boolean {
  return from === 'EVALUATED' && to === 'HANDLING';
}

export function canMove(from: SuggestionStage, to: SuggestionStage, isKey: boolean): boolean {
  return nextStages(from, isKey).includes(to);
}

/** The steps an item takes from RECEIVED to `target` on its first round (for demo data and tests). */
export function pathTo(target: SuggestionStage, isKey: boolean): SuggestionStage[] {
  const path: SuggestionStage[] = ['RECEIVED'];
  let current: SuggestionStage = 'RECEIVED';
  while (current !== target) {
    const options: SuggestionStage[] = nextStages(current, isKey).filter((s) => !isSendBack(current, s));
    // Ordinary items skip the optional steps; key items have no choice.
    const next: SuggestionStage | undefined =
      options.find((s) => s === target) ??
      options.find(
        (s) => stageOrder.indexOf(s) < stageOrder.indexOf(target) && (isKey || !requiredForKeyItems.includes(s)),
      ) ??
      options[0];
    if (!next) throw new Error(`No path from RECEIVED to ${target}.`);
    path.push(next);
    current = next;
  }
  return path;
}
