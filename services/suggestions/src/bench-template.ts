import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@renda/db/ids';
import { DirectorySiblings, seedContext, seedSub, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import { readSettings } from './env.ts';
import type { ReplyCategory, Satisfaction, SuggestionStage } from './modules/suggestions/suggestion.entity.ts';
import {
  answerSheet,
  assignSuggestion,
  evaluateSuggestion,
  issueSheet,
  markKey,
  recordStep,
  replySuggestion,
  startHandling,
  submitSuggestion,
} from './modules/suggestions/suggestions.service.ts';
import type { DeputyFacts, UnitFacts } from './modules/suggestions/siblings.ts';

/**
 * The template of the benchmark's synthetic province (S-8, issue 9): a few hundred suggestions of two townships
 * of a template county, in one year, written through the write functions as the demo seed writes its items
 * (`seed.ts`): each act by the person who makes it, on its day. `bench.store.ts` then copies every row they
 * wrote across the province's townships and years; nothing the write path derives is spelled again there.
 *
 * Every act falls on a day 1-28 of its month, so a copy shifted by whole years keeps every date and deadline
 * (no Feb 29, no month end that `addMonths` would clamp differently).
 */
export const templateYear = 2024;
export const templateCounty = '439901';
export const templateTownships = ['439901001', '439901002'] as const;
/** Items of each template township. */
const itemsPerTownship = 180;

const benchCategories = [
  '交通',
  '教育',
  '医疗卫生',
  '城乡建设',
  '农业农村',
  '生态环境',
  '社会保障',
  '经济发展',
  '文化旅游',
  '公共安全',
  '水利',
  '政务服务',
] as const;

/** Deputies of each township's congress the items name (lead and co-signers). */
const deputiesPerTownship = 8;

/** The template's ids: the county's lead unit, each township's congress and deputies. */
interface TemplateIds {
  unitId: string;
  congressIds: Record<string, string>;
  deputyIds: Record<string, string[]>;
}

function templateIds(): TemplateIds {
  return {
    unitId: newId(),
    congressIds: Object.fromEntries(templateTownships.map((code) => [code, newId()])),
    deputyIds: Object.fromEntries(
      templateTownships.map((code) => [code, Array.from({ length: deputiesPerTownship }, () => newId())]),
    ),
  };
}

/** What the other subgraphs would say about the template's deputies and unit (`DirectorySiblings`). */
function templateSiblings(ids: TemplateIds): DirectorySiblings {
  return new DirectorySiblings()
    .add(
      'deputies',
      'Deputy',
      templateTownships.flatMap((code) =>
        ids.deputyIds[code]!.map(
          (id) =>
            ({
              id,
              status: 'ACTIVE',
              congress: { id: ids.congressIds[code]! },
              region: { code },
            }) satisfies DeputyFacts,
        ),
      ),
    )
    .add('supervision', 'GovernmentUnit', [{ id: ids.unitId, region: { code: templateCounty } } satisfies UnitFacts]);
}

/** One template item: where it stops and what happens on the way. */
interface TemplateItem {
  township: string;
  /** 1-based within the template. */
  g: number;
  target: 'RECEIVED' | 'HANDLING' | 'REPLIED' | 'EVALUATED';
  category: string;
  month: number;
  day: number;
  coSigners: number;
  key: boolean;
  complex: boolean;
  reply: ReplyCategory;
  late: boolean;
  /** Results of the rounds rated (a DISSATISFIED round 1 sends the item back to handling). */
  ratings: Satisfaction[];
  /** Rated items that go on to 总结 and 公开. */
  published: boolean;
}

/**
 * The mix of the old set-based loader, item by item: stages 10% RECEIVED, 15% HANDLING (a fifth of them back in
 * handling after a dissatisfied round 1), 35% REPLIED, 40% EVALUATED; 12 categories; reply categories in thirds;
 * one reply in ten late; results 1/7 dissatisfied (rated twice), 2/7 basically satisfied, the rest satisfied
 * (some after a second round); key items 1 in 50; co-signers on a quarter.
 */
function templateItems(): TemplateItem[] {
  const items: TemplateItem[] = [];
  for (const [t, township] of templateTownships.entries()) {
    for (let i = 0; i < itemsPerTownship; i++) {
      const g = t * itemsPerTownship + i + 1;
      const r = (g * 7919) % 100;
      const target = r < 10 ? 'RECEIVED' : r < 25 ? 'HANDLING' : r < 60 ? 'REPLIED' : 'EVALUATED';
      const result: Satisfaction = g % 7 === 0 ? 'DISSATISFIED' : g % 7 < 3 ? 'BASICALLY_SATISFIED' : 'SATISFIED';
      let ratings: Satisfaction[] = [];
      if (target === 'EVALUATED')
        ratings =
          result === 'DISSATISFIED'
            ? ['DISSATISFIED', 'DISSATISFIED']
            : g % 9 === 0
              ? ['DISSATISFIED', result]
              : [result];
      else if (target === 'HANDLING' && g % 5 === 0) ratings = ['DISSATISFIED'];
      items.push({
        township,
        g,
        target,
        category: benchCategories[(g + Math.floor(g / 12)) % 12]!,
        month: 1 + (Math.floor(g / 3) % 12),
        day: 1 + (Math.floor(g / 36) % 20),
        coSigners: g % 4 === 1 ? 2 : 0,
        key: g % 50 === 0,
        complex: g % 11 === 0,
        reply: (['SOLVED', 'PLANNED', 'EXPLAINED'] as const)[Math.floor(g / 3) % 3]!,
        late: g % 10 === 0,
        ratings,
        published: target === 'EVALUATED' && g % 4 === 0,
      });
    }
  }
  return items;
}

/** `YYYY-MM-DD` of month `month` (1-based, may run past December) of the template year, day `day` (1-28). */
const dateOf = (month: number, day: number) => {
  const y = templateYear + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

/** The subjects the template's viewers act as (the copies give each copy's its own). */
export const templateSubs = seedSub;

const staff = seedViewer.staff(templateCounty, '人大常委会选联工委');

/**
 * Writes one template item through the write functions. Dates (days 1-28): received on `day`, assigned 5 days
 * later, handled 2 days after that; a reply 2 months after assignment, or a month after its deadline when late;
 * follow-up the next day, rating a month after the reply; after a dissatisfied round 1 the second round starts
 * that day and is replied 2 months later.
 */
async function writeItem(seed: SeedContext, spec: TemplateItem, ids: TemplateIds): Promise<SuggestionStage> {
  const deputies = ids.deputyIds[spec.township]!;
  const lead = deputies[spec.g % deputies.length]!;
  const coSignerIds = Array.from({ length: spec.coSigners }, (_, k) => deputies[(spec.g + k + 1) % deputies.length]!);
  const deputy = seedViewer.deputy(spec.township, lead);
  const handler = seedViewer.handler(templateCounty, ids.unitId, '县政府办');
  const d = spec.day;
  const received = dateOf(spec.month, d);
  const item = await submitSuggestion(
    seed.as(deputy).on(received),
    {
      kind: 'SUGGESTION',
      regionCode: spec.township,
      sessionId: null,
      title: `关于改善民生的建议 ${spec.g}`,
      content: '关于改善民生的建议',
      category: spec.category,
      leadDeputyId: lead,
      coSignerIds,
    },
    { id: newId(seed.clock.now().getTime()) },
  );
  if (spec.key) await markKey(seed.as(staff).on(received), item.id, '县人大常委会副主任');
  if (spec.target === 'RECEIVED') return item.stage;

  const assigned = dateOf(spec.month, d + 5);
  const units = [{ unitId: ids.unitId, role: 'LEAD' as const }];
  await assignSuggestion(seed.as(staff).on(assigned), item.id, {
    grade: 'LEVEL_4',
    leadOfficial: '分管领导',
    units,
    complex: spec.complex,
  });
  // A sheet is due a month after it is issued (`month`, day d + 5 or later).
  const sheet = (kind: 'ASSIGNMENT' | 'SUPERVISION', month: number, day: number) =>
    issueSheet(seed.as(staff).on(dateOf(month, day)), item.id, {
      kind,
      unitId: ids.unitId,
      dueOn: dateOf(month + 1, day),
      content: '请按期办理并答复代表。',
    });
  if (spec.key) {
    const issued = await sheet('ASSIGNMENT', spec.month, d + 5);
    await answerSheet(seed.as(handler).on(dateOf(spec.month, d + 6)), issued.id);
  }

  // Round by round: handling (a key item's 督办单 takes 督办), reply, (视察,) follow-up, rating; a dissatisfied
  // round 1 brings the item back to handling on the day it is rated, with a new deadline.
  let month = spec.month;
  let handledOn = d + 7;
  let stage: SuggestionStage = (await startHandling(seed.as(handler).on(dateOf(month, handledOn)), item.id)).stage;
  for (let round = 0; ; round++) {
    if (spec.key && (await sheet('SUPERVISION', month, handledOn)).tookStep) stage = 'SUPERVISED';
    const rated = spec.ratings[round];
    if (spec.target === 'HANDLING' && rated === undefined) return stage;
    // Due 3 months (6 when complex) after the round began; a late reply comes a month after that.
    const replyAfter = spec.late && round === 0 ? (spec.complex ? 7 : 4) : 2;
    const replied = dateOf(month + replyAfter, d + 5);
    stage = (
      await replySuggestion(seed.as(handler).on(replied), item.id, {
        category: spec.reply,
        content: '已研究办理，答复如下。',
        reviewedBy: '分管领导',
      })
    ).stage;
    // A replied item rests at 答复; one to be rated is inspected (key items) and followed up first.
    if (rated === undefined) return stage;
    if (spec.key) await recordStep(seed.as(staff).on(replied), item.id, 'INSPECTED', '组织代表视察办理现场');
    await recordStep(seed.as(handler).on(dateOf(month + replyAfter, d + 6)), item.id, 'FOLLOWED_UP', '回访代表');
    month += replyAfter + 1;
    const comment = rated === 'DISSATISFIED' ? '问题没有解决' : '办理认真';
    stage = (
      await evaluateSuggestion(seed.as(deputy).on(dateOf(month, d + 5)), item.id, {
        attitude: 'SATISFIED',
        result: rated,
        comment,
      })
    ).stage;
    if (stage !== 'HANDLING' || spec.ratings.length === round + 1) break;
    handledOn = d + 5;
  }
  if (spec.published) {
    await recordStep(seed.as(handler).on(dateOf(month + 1, d)), item.id, 'SUMMARIZED', null);
    stage = (await recordStep(seed.as(staff).on(dateOf(month + 1, d + 1)), item.id, 'PUBLISHED', null)).stage;
  }
  return stage;
}

/**
 * Writes the template in one transaction; returns its ids (for the copies' maps) and the items by the stage they
 * rest in.
 */
export async function writeTemplate(em: EntityManager): Promise<{ ids: TemplateIds; stages: Record<string, number> }> {
  const ids = templateIds();
  const stages: Record<string, number> = {};
  await em.transactional(async (tx) => {
    const seed = seedContext(tx, {
      siblings: templateSiblings(ids),
      settings: readSettings(process.env),
      now: new Date(`${templateYear}-01-01T02:00:00Z`),
    });
    for (const spec of templateItems()) {
      const stage = await writeItem(seed, spec, ids);
      stages[stage] = (stages[stage] ?? 0) + 1;
      // Each item is written whole before the next: its entities need not stay managed (every flush looks at all).
      tx.clear();
    }
  });
  return { ids, stages };
}
