import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import { demoId, newId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, today } from '@renda/server-kit/dates';
import { DirectorySiblings, seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import { readSettings } from './env.ts';
import type { ContactMethod, ContactPhase } from './modules/handling/handling.entity.ts';
import {
  answerDeputyContact,
  contributeToLead,
  logDeputyContact,
  reportHandlingProgress,
} from './modules/handling/handling.service.ts';
import { recordCommitteeVote, recordKeyHearing } from './modules/key-items/key-items.service.ts';
import { pathTo } from './modules/suggestions/process.ts';
import {
  SuggestionSchema,
  type ReplyCategory,
  type Satisfaction,
  type SheetKind,
  type SuggestionGrade,
  type SuggestionKind,
  type SuggestionStage,
  type UnitRole,
} from './modules/suggestions/suggestion.entity.ts';
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
import type { DeputyFacts, SessionFacts, UnitFacts } from './modules/suggestions/siblings.ts';

interface DemoItem {
  kind: SuggestionKind;
  title: string;
  content: string;
  category: string;
  /** n of `deputy:<region>:<n>`; null for a CPPCC proposal. */
  lead: number | null;
  region?: string;
  coSigners?: number[];
  proposerName?: string;
  target: SuggestionStage;
  key?: boolean;
  grade?: SuggestionGrade;
  leadOfficial?: string;
  units?: [string, UnitRole][];
  complex?: boolean;
  reply?: ReplyCategory;
  rating?: [Satisfaction, Satisfaction];
  /** Round 1 rated dissatisfied, back in handling for round 2. */
  sentBack?: boolean;
  /** Days before today the item was assigned (drives every date). */
  assignedDaysAgo: number;
  sheets?: { kind: SheetKind; unit: string; answered: boolean }[];
  /** A key item's handling record: progress reports, a co-handler's part, contacts, a hearing, a vote once replied. */
  record?: boolean;
}

const demoItems: DemoItem[] = [
  {
    kind: 'SUGGESTION',
    title: '关于加快浏阳河风光带建设的建议',
    content: '建议统筹规划浏阳河沿岸步道与绿化。',
    category: '城乡建设',
    lead: 1,
    coSigners: [2, 3],
    target: 'RECEIVED',
    assignedDaysAgo: 0,
  },
  {
    kind: 'SUGGESTION',
    title: '关于增设农村客运班线的建议',
    content: '部分偏远村组群众出行不便，建议增设客运班线。',
    category: '交通',
    lead: 2,
    target: 'ASSIGNED',
    grade: 'LEVEL_4',
    leadOfficial: '市交通运输局副局长 周立',
    units: [
      ['transport', 'LEAD'],
      ['housing', 'CO_HANDLER'],
    ],
    assignedDaysAgo: 10,
  },
  {
    kind: 'SUGGESTION',
    title: '关于改善乡村学校寄宿条件的建议',
    content: '建议改造乡村学校学生宿舍和食堂。',
    category: '教育',
    lead: 3,
    target: 'HANDLING',
    grade: 'LEVEL_3',
    leadOfficial: '市教育局局长 刘芳',
    units: [['education', 'LEAD']],
    assignedDaysAgo: 30,
  },
  {
    kind: 'SUGGESTION',
    title: '关于推进小型水库除险加固的建议',
    content: '多座小型水库存在安全隐患，建议加快除险加固。',
    category: '水利',
    lead: 4,
    coSigners: [5, 6, 7],
    target: 'SUPERVISED',
    key: true,
    grade: 'LEVEL_2',
    leadOfficial: '分管副市长 张建国',
    units: [
      ['water', 'LEAD'],
      ['government', 'CO_HANDLER'],
    ],
    complex: true,
    assignedDaysAgo: 45,
    sheets: [
      { kind: 'ASSIGNMENT', unit: 'water', answered: true },
      { kind: 'SUPERVISION', unit: 'water', answered: false },
    ],
  },
  {
    kind: 'SUGGESTION',
    title: '关于加强基层卫生院人才队伍建设的建议',
    content: '建议落实基层医务人员待遇，稳定人才队伍。',
    category: '卫生健康',
    lead: 5,
    target: 'REPLIED',
    grade: 'LEVEL_4',
    leadOfficial: '市卫生健康局副局长 王敏',
    units: [['health', 'LEAD']],
    reply: 'PLANNED',
    assignedDaysAgo: 60,
  },
  {
    kind: 'SUGGESTION',
    title: '关于老旧小区加装电梯的建议',
    content: '建议简化老旧小区加装电梯审批流程。',
    category: '城乡建设',
    lead: 6,
    target: 'INSPECTED',
    grade: 'LEVEL_3',
    leadOfficial: '市住建局局长 李强',
    units: [['housing', 'LEAD']],
    reply: 'SOLVED',
    assignedDaysAgo: 75,
  },
  {
    kind: 'SUGGESTION',
    title: '关于整治国道沿线交通安全隐患的建议',
    content: '国道部分路段缺少减速带和警示标志。',
    category: '交通',
    lead: 7,
    target: 'FOLLOWED_UP',
    grade: 'LEVEL_4',
    leadOfficial: '市交通运输局副局长 周立',
    units: [['transport', 'LEAD']],
    reply: 'SOLVED',
    assignedDaysAgo: 80,
  },
  {
    kind: 'SUGGESTION',
    title: '关于规范校外培训机构的建议',
    content: '建议加强对校外培训机构的监管。',
    category: '教育',
    lead: 8,
    target: 'EVALUATED',
    grade: 'LEVEL_4',
    leadOfficial: '市教育局副局长 陈静',
    units: [['education', 'LEAD']],
    reply: 'SOLVED',
    rating: ['SATISFIED', 'SATISFIED'],
    assignedDaysAgo: 90,
  },
  {
    kind: 'SUGGESTION',
    title: '关于修建城区第二水厂的建议',
    content: '城区供水能力不足，建议新建第二水厂。',
    category: '水利',
    lead: 9,
    target: 'EVALUATED',
    grade: 'LEVEL_1',
    leadOfficial: '市长 黄伟',
    units: [
      ['water', 'LEAD'],
      ['housing', 'CO_HANDLER'],
    ],
    complex: true,
    reply: 'EXPLAINED',
    rating: ['SATISFIED', 'BASICALLY_SATISFIED'],
    assignedDaysAgo: 100,
  },
  {
    kind: 'SUGGESTION',
    title: '关于解决集镇停车难的建议',
    content: '集镇停车位严重不足，建议规划建设停车场。',
    category: '交通',
    lead: 10,
    target: 'HANDLING',
    sentBack: true,
    grade: 'LEVEL_4',
    leadOfficial: '市交通运输局副局长 周立',
    units: [
      ['transport', 'LEAD'],
      ['housing', 'CO_HANDLER'],
    ],
    reply: 'EXPLAINED',
    rating: ['BASICALLY_SATISFIED', 'DISSATISFIED'],
    assignedDaysAgo: 100,
  },
  {
    kind: 'SUGGESTION',
    title: '关于提高城乡居民医保报销比例的建议',
    content: '建议提高门诊慢特病报销比例。',
    category: '卫生健康',
    lead: 11,
    target: 'SUMMARIZED',
    grade: 'LEVEL_4',
    leadOfficial: '市卫生健康局副局长 王敏',
    units: [['health', 'LEAD']],
    reply: 'PLANNED',
    rating: ['SATISFIED', 'BASICALLY_SATISFIED'],
    assignedDaysAgo: 110,
  },
  {
    kind: 'SUGGESTION',
    title: '关于加快农村饮水安全巩固提升的建议',
    content: '部分山区村组饮水水质不稳定。',
    category: '水利',
    lead: 12,
    target: 'PUBLISHED',
    grade: 'LEVEL_3',
    leadOfficial: '市水利局局长 赵明',
    units: [['water', 'LEAD']],
    reply: 'SOLVED',
    rating: ['SATISFIED', 'SATISFIED'],
    assignedDaysAgo: 120,
  },
  {
    kind: 'SUGGESTION',
    title: '关于建设浏阳东部片区综合交通枢纽的建议',
    content: '东部片区缺少客运枢纽，建议纳入规划建设。',
    category: '交通',
    lead: 13,
    coSigners: [14, 15],
    target: 'ARCHIVED',
    key: true,
    grade: 'LEVEL_1',
    leadOfficial: '市长 黄伟',
    units: [
      ['transport', 'LEAD'],
      ['housing', 'CO_HANDLER'],
    ],
    complex: true,
    reply: 'SOLVED',
    rating: ['SATISFIED', 'SATISFIED'],
    assignedDaysAgo: 150,
    sheets: [
      { kind: 'ASSIGNMENT', unit: 'transport', answered: true },
      { kind: 'SUPERVISION', unit: 'transport', answered: true },
      { kind: 'REMINDER', unit: 'housing', answered: true },
    ],
  },
  {
    kind: 'SUGGESTION',
    title: '关于实施城区背街小巷改造提质的建议',
    content: '城区背街小巷路面破损、排水不畅，建议分批改造提质。',
    category: '城乡建设',
    lead: 2,
    coSigners: [3, 4],
    target: 'REPLIED',
    key: true,
    grade: 'LEVEL_2',
    leadOfficial: '分管副市长 张建国',
    units: [
      ['housing', 'LEAD'],
      ['water', 'CO_HANDLER'],
    ],
    reply: 'PLANNED',
    assignedDaysAgo: 70,
    record: true,
    sheets: [
      { kind: 'ASSIGNMENT', unit: 'housing', answered: true },
      { kind: 'SUPERVISION', unit: 'housing', answered: true },
      { kind: 'REMINDER', unit: 'water', answered: false },
    ],
  },
  {
    kind: 'MOTION',
    title: '关于制定浏阳河流域保护条例的议案',
    content: '建议启动浏阳河流域保护地方立法。',
    category: '生态环境',
    lead: 16,
    coSigners: [17, 18, 19, 20, 21, 22, 23, 24, 25, 26],
    target: 'RECEIVED',
    assignedDaysAgo: 0,
  },
  {
    kind: 'CPPCC_PROPOSAL',
    title: '关于发展花炮文化旅游的提案',
    content: '建议打造花炮文化旅游线路。',
    category: '文化旅游',
    lead: null,
    proposerName: '市政协委员 谭晓',
    target: 'ASSIGNED',
    grade: 'LEVEL_3',
    leadOfficial: '市政府办公室主任 邓华',
    units: [['government', 'LEAD']],
    assignedDaysAgo: 5,
  },
  {
    kind: 'SUGGESTION',
    title: '关于修复乡村道路水毁路段的建议',
    content: '汛期多处乡村道路水毁，至今未修复。',
    category: '交通',
    lead: 27,
    target: 'HANDLING',
    grade: 'LEVEL_4',
    leadOfficial: '市交通运输局副局长 周立',
    units: [['transport', 'LEAD']],
    assignedDaysAgo: 130,
  },
  {
    kind: 'VOTER_OPINION',
    title: '永安镇集镇路灯损坏问题',
    content: '选民反映集镇主街路灯多处损坏。',
    category: '市政',
    lead: 1,
    region: '430181104',
    proposerName: '选民 刘某',
    target: 'HANDLING',
    grade: 'LEVEL_4',
    leadOfficial: '永安镇副镇长 彭涛',
    units: [['430181104:government', 'LEAD']],
    assignedDaysAgo: 20,
  },
];

const county = '430181';
const sessionId = demoId(`session:${county}:3`);
const congressId = (region: string) => demoId(`congress:${region}`);
const deputyId = (region: string, n: number) => demoId(`deputy:${region}:${n}`);
/** A unit slug of the county (`water`) or of another region (`430181104:government`). */
const unitRegion = (slug: string) => (slug.includes(':') ? slug.split(':')[0]! : county);
const unitId = (slug: string) => demoId(slug.includes(':') ? `unit:${slug}` : `unit:${county}:${slug}`);

/** Who enters the demo: the county congress's staff, each unit's handler (named where the record shows them). */
const staff = seedViewer.staff(county, '人大常委会选联工委 周敏');
const handlerNames: Record<string, string> = { housing: '住建局 刘洋', water: '水利局 彭军' };
const handler = (slug: string) => seedViewer.handler(unitRegion(slug), unitId(slug), handlerNames[slug]);
const deputy = seedViewer.deputy;

/**
 * What the deputies and supervision seeds write that the write functions check (`siblings.ts`): the deputies the
 * demo items name (ACTIVE, in their region's congress), session 3 of the county congress, the handling units.
 */
function demoSiblings(): DirectorySiblings {
  const deputies = new Map<string, string>(); // id → region
  for (const spec of demoItems) {
    const region = spec.region ?? county;
    for (const n of [...(spec.lead === null ? [] : [spec.lead]), ...(spec.coSigners ?? [])])
      deputies.set(deputyId(region, n), region);
  }
  const units = new Set(demoItems.flatMap((spec) => (spec.units ?? []).map(([slug]) => slug)));
  return new DirectorySiblings()
    .add(
      'deputies',
      'Deputy',
      [...deputies].map(
        ([id, region]) =>
          ({
            id,
            status: 'ACTIVE',
            congress: { id: congressId(region) },
            region: { code: region },
          }) satisfies DeputyFacts,
      ),
    )
    .add('deputies', 'CongressSession', [
      { id: sessionId, congress: { id: congressId(county), region: { code: county } } } satisfies SessionFacts,
    ])
    .add(
      'supervision',
      'GovernmentUnit',
      [...units].map((slug) => ({ id: unitId(slug), region: { code: unitRegion(slug) } }) satisfies UnitFacts),
    );
}

const sheetContent: Record<SheetKind, string> = {
  ASSIGNMENT: '请按期办理并答复代表。',
  SUPERVISION: '请加快推进，按月报告进展。',
  REMINDER: '办理期限将至，请抓紧答复。',
};

/** An act of the demo: the day it happened, and the write it makes. */
interface Act {
  on: string;
  write: () => Promise<unknown>;
}

/** Queues a write made by `viewer` on day `on`. */
type Enter = (on: string, viewer: Viewer, write: (ctx: SeedContext) => Promise<unknown>) => void;

const stepNotes: Partial<Record<SuggestionStage, string>> = {
  SUPERVISED: '市政府办公室督办',
  INSPECTED: '市人大常委会组织代表视察办理现场',
  FOLLOWED_UP: '上门回访代表',
};

/**
 * Enters one demo item as it happened, every act through the mutations' write functions by the person who
 * would make it on its day: the deputy files (staff register a proposal or a voter opinion), staff assign,
 * mark key items and issue their sheets, the lead unit handles, replies, follows up and sums up, the deputy
 * rates (a dissatisfied rating sends the item back to handling), staff take the administrative steps.
 */
async function enterItem(seed: SeedContext, spec: DemoItem, now: string): Promise<void> {
  const region = spec.region ?? county;
  const leadDeputyId = spec.lead === null ? null : deputyId(region, spec.lead);
  const assignedOn = addDays(now, -spec.assignedDaysAgo);
  const receivedOn = addDays(assignedOn, -3);
  const leadUnit = spec.units?.find(([, role]) => role === 'LEAD')?.[0];
  const leadHandler = leadUnit ? handler(leadUnit) : staff;
  const acts: Act[] = [];
  const enter: Enter = (on, viewer, write) => acts.push({ on, write: () => write(seed.as(viewer).on(on)) });
  let id = '';

  // Dates of the later steps spread evenly between assignment and today.
  const stepDate = (i: number, of: number) =>
    i <= 1
      ? i === 0
        ? receivedOn
        : assignedOn
      : addDays(assignedOn, Math.floor(((spec.assignedDaysAgo || 1) * (i - 1)) / Math.max(of, 2)));
  const isKey = spec.key ?? false;
  // A dissatisfied rating of round 1 takes the item back to HANDLING itself (round 2).
  const steps = spec.sentBack ? [...pathTo('EVALUATED', isKey), 'HANDLING' as const] : pathTo(spec.target, isKey);
  let repliedOn = '';
  for (const [index, stage] of steps.entries()) {
    const on = stepDate(index, steps.length);
    if (stage === 'RECEIVED') {
      const input = {
        kind: spec.kind,
        regionCode: region,
        sessionId: region === county ? sessionId : null,
        title: spec.title,
        content: spec.content,
        category: spec.category,
        leadDeputyId,
        coSignerIds: (spec.coSigners ?? []).map((n) => deputyId(region, n)),
        proposerName: spec.proposerName ?? null,
      };
      // Deputies file their suggestions and motions; staff register proposals and voter opinions.
      const filer = leadDeputyId && (spec.kind === 'SUGGESTION' || spec.kind === 'MOTION');
      enter(on, filer ? deputy(region, leadDeputyId) : staff, async (ctx) => {
        id = (await submitSuggestion(ctx, input, { id: newId(ctx.clock.now().getTime()) })).id;
      });
    } else if (stage === 'ASSIGNED') {
      const units = spec.units!.map(([slug, role]) => ({ unitId: unitId(slug), role }));
      const input = { grade: spec.grade!, leadOfficial: spec.leadOfficial!, units, complex: spec.complex ?? false };
      enter(on, staff, (ctx) => assignSuggestion(ctx, id, input));
      if (isKey) enter(on, staff, (ctx) => markKey(ctx, id, '市人大常委会副主任 陈红'));
      for (const sheet of spec.sheets ?? []) {
        let sheetId = '';
        const input = { kind: sheet.kind, unitId: unitId(sheet.unit), dueOn: addDays(on, 30) };
        enter(on, staff, async (ctx) => {
          sheetId = (await issueSheet(ctx, id, { ...input, content: sheetContent[sheet.kind] })).id;
        });
        if (sheet.answered) enter(addDays(on, 10), handler(sheet.unit), (ctx) => answerSheet(ctx, sheetId));
      }
    } else if (stage === 'HANDLING') {
      if (index === steps.indexOf('HANDLING')) enter(on, leadHandler, (ctx) => startHandling(ctx, id));
    } else if (stage === 'REPLIED') {
      repliedOn = on;
      const input = { category: spec.reply!, content: `关于《${spec.title}》的答复。`, reviewedBy: spec.leadOfficial! };
      enter(on, leadHandler, (ctx) => replySuggestion(ctx, id, input));
    } else if (stage === 'EVALUATED') {
      const [attitude, result] = spec.rating!;
      const comment = result === 'DISSATISFIED' ? '问题没有解决' : '办理认真';
      enter(on, deputy(region, leadDeputyId!), (ctx) => evaluateSuggestion(ctx, id, { attitude, result, comment }));
    } else if (stage !== 'REVIEWED') {
      // REVIEWED is taken with the reply; the rest are the steps that carry only a note.
      const byUnit = stage === 'FOLLOWED_UP' || stage === 'SUMMARIZED';
      enter(on, byUnit ? leadHandler : staff, (ctx) => recordStep(ctx, id, stage, stepNotes[stage] ?? null));
    }
  }
  if (spec.record) recordHandling(enter, () => id, spec, { assignedOn, repliedOn, now }, leadDeputyId!);

  // Each act on its day; acts of the same day in the order above (Array.prototype.sort is stable).
  acts.sort((a, b) => a.on.localeCompare(b.on));
  for (const { write } of acts) await write();
}

/**
 * S-9, S-10 demo record of a key item, around its reply on `repliedOn`: two progress reports, the
 * co-handler's part, contacts before, during and after handling (one answered by the deputy), the
 * council of chairpersons' hearing and the standing committee's vote (today).
 */
function recordHandling(
  enter: Enter,
  item: () => string,
  spec: DemoItem,
  dates: { assignedOn: string; repliedOn: string; now: string },
  leadDeputyId: string,
): void {
  const lead = handler(spec.units!.find(([, role]) => role === 'LEAD')![0]);
  const co = handler(spec.units!.find(([, role]) => role === 'CO_HANDLER')![0]);
  const day = (n: number) => addDays(dates.assignedOn, n);
  const contact = (
    on: string,
    phase: ContactPhase,
    method: ContactMethod,
    summary: string,
    keep?: (id: string) => void,
  ) =>
    enter(on, lead, async (ctx) => {
      const row = await logDeputyContact(ctx, item(), { phase, method, summary, contactedOn: on });
      keep?.(row.id);
    });
  const progress = (on: string, percent: number, content: string, difficulties: string) =>
    enter(on, lead, (ctx) => reportHandlingProgress(ctx, item(), { percent, content, difficulties }));

  let before = '';
  contact(day(3), 'BEFORE', 'VISIT', '上门听取代表对改造范围的意见', (id) => (before = id));
  enter(day(4), deputy(county, leadDeputyId), (ctx) =>
    answerDeputyContact(ctx, before, '请优先改造排水问题突出的巷道'),
  );
  progress(day(15), 30, '完成 12 条巷道的勘测设计', '部分管线权属不清');
  enter(day(18), co, (ctx) => contributeToLead(ctx, item(), '水利局意见: 雨污分流管网与改造同步实施'));
  progress(day(35), 60, '首批 6 条巷道开工', '资金缺口约 800 万元');
  contact(day(36), 'DURING', 'PHONE', '电话通报开工进度');
  enter(day(40), staff, (ctx) =>
    recordKeyHearing(ctx, item(), {
      heldOn: day(40),
      summary: '主任会议听取住建局办理情况汇报',
      decisions: '年内完成首批改造，资金缺口由市财政统筹',
    }),
  );
  contact(dates.repliedOn, 'AFTER', 'MEETING', '座谈听取代表对答复的意见');
  const tally = { membersPresent: 31, satisfied: 22, basicallySatisfied: 7, dissatisfied: 1 };
  enter(dates.now, staff, (ctx) => recordCommitteeVote(ctx, item(), { votedOn: dates.now, ...tally }));
}

/**
 * Demo data, only into empty tables and in one transaction: an item in every resting stage of the 12 steps
 * for 浏阳市 session 3, with their steps, key items with their three sheets, evaluations including a
 * dissatisfied → re-handling item and a 被满意 risk, published items, a motion, a CPPCC proposal, a township
 * voter opinion and an overdue item. Every record is written through the mutations' write functions, acting as
 * the person who entered it on the day it happened (`enterItem`); the serial counters come from the write path.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  await em.transactional(async (tx) => {
    if ((await tx.count(SuggestionSchema, {})) > 0) return;
    const settings = readSettings(process.env);
    const seed = seedContext(tx, { siblings: demoSiblings(), settings, now: clock.now() });
    const now = today(clock);
    for (const spec of demoItems) await enterItem(seed, spec, now);
  });
}
