import type { EntityManager } from '@mikro-orm/postgresql';
import { demoId, newId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, today } from '@renda/server-kit/dates';
import { ContributionSchema, DeputyContactSchema, ProgressReportSchema } from './modules/handling/handling.entity.ts';
import { CommitteeVoteSchema, KeyHearingSchema } from './modules/key-items/key-items.entity.ts';
import { pathTo } from './modules/suggestions/process.ts';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SerialCounterSchema,
  SheetSchema,
  SuggestionSchema,
  SuggestionSignerSchema,
  type ReplyCategory,
  type Satisfaction,
  type SheetKind,
  type Suggestion,
  type SuggestionGrade,
  type SuggestionKind,
  type SuggestionStage,
  type UnitRole,
} from './modules/suggestions/suggestion.entity.ts';
import { evaluationFacts, rehandlingFacts, replyDueOn, replyFacts } from './modules/suggestions/suggestions.service.ts';

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

const actor = (name: string, role: string, unit: string | null = null) => ({
  byName: name,
  byRole: role,
  byUnitId: unit,
});

/**
 * S-9, S-10 demo record of a key item, written when its reply (on `repliedOn`) is: two progress
 * reports, the co-handler's part, contacts before, during and after handling (one answered by the
 * deputy), the council of chairpersons' hearing and the standing committee's vote (today).
 */
function recordHandling(em: EntityManager, item: Suggestion, spec: DemoItem, now: string, repliedOn: string): void {
  const lead = unitId(spec.units!.find(([, role]) => role === 'LEAD')![0]);
  const co = unitId(spec.units!.find(([, role]) => role === 'CO_HANDLER')![0]);
  const assigned = item.assignedOn!;
  const handler = actor('住建局 刘洋', 'HANDLER', lead);
  const staff = actor('人大常委会选联工委 周敏', 'STAFF');
  const base = { suggestionId: item.id, round: 1 };
  em.create(DeputyContactSchema, {
    id: newId(),
    ...base,
    unitId: lead,
    phase: 'BEFORE',
    method: 'VISIT',
    summary: '上门听取代表对改造范围的意见',
    contactedOn: addDays(assigned, 3),
    at: at(addDays(assigned, 3)),
    deputyReply: '请优先改造排水问题突出的巷道',
    deputyRepliedAt: at(addDays(assigned, 4)),
    ...handler,
  });
  em.create(ProgressReportSchema, {
    id: newId(),
    ...base,
    unitId: lead,
    percent: 30,
    content: '完成 12 条巷道的勘测设计',
    difficulties: '部分管线权属不清',
    reportedOn: addDays(assigned, 15),
    at: at(addDays(assigned, 15)),
    ...handler,
  });
  em.create(ContributionSchema, {
    id: newId(),
    ...base,
    unitId: co,
    leadUnitId: lead,
    content: '水利局意见: 雨污分流管网与改造同步实施',
    sentOn: addDays(assigned, 18),
    at: at(addDays(assigned, 18)),
    ...actor('水利局 彭军', 'HANDLER', co),
  });
  em.create(ProgressReportSchema, {
    id: newId(),
    ...base,
    unitId: lead,
    percent: 60,
    content: '首批 6 条巷道开工',
    difficulties: '资金缺口约 800 万元',
    reportedOn: addDays(assigned, 35),
    at: at(addDays(assigned, 35)),
    ...handler,
  });
  em.create(DeputyContactSchema, {
    id: newId(),
    ...base,
    unitId: lead,
    phase: 'DURING',
    method: 'PHONE',
    summary: '电话通报开工进度',
    contactedOn: addDays(assigned, 36),
    at: at(addDays(assigned, 36)),
    deputyReply: null,
    deputyRepliedAt: null,
    ...handler,
  });
  em.create(KeyHearingSchema, {
    id: newId(),
    suggestionId: item.id,
    heldOn: addDays(assigned, 40),
    summary: '主任会议听取住建局办理情况汇报',
    decisions: '年内完成首批改造，资金缺口由市财政统筹',
    at: at(addDays(assigned, 40)),
    ...staff,
  });
  em.create(DeputyContactSchema, {
    id: newId(),
    ...base,
    unitId: lead,
    phase: 'AFTER',
    method: 'MEETING',
    summary: '座谈听取代表对答复的意见',
    contactedOn: repliedOn,
    at: at(repliedOn),
    deputyReply: null,
    deputyRepliedAt: null,
    ...handler,
  });
  em.create(CommitteeVoteSchema, {
    id: newId(),
    ...base,
    votedOn: now,
    membersPresent: 31,
    satisfied: 22,
    basicallySatisfied: 7,
    dissatisfied: 1,
    at: at(now),
    ...staff,
  });
}

const unitId = (slug: string) => demoId(slug.includes(':') ? `unit:${slug}` : `unit:430181:${slug}`);
const at = (date: string) => new Date(`${date}T02:00:00Z`);

/**
 * Demo data (written through the entities, only into empty tables): an item in every resting stage
 * of the 12 steps for 浏阳市 session 3, with their steps, key items with their three sheets,
 * evaluations including a dissatisfied → re-handling item and a 被满意 risk, published items, a
 * motion, a CPPCC proposal, a township voter opinion and an overdue item.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(SuggestionSchema, {})) > 0) return;
  const now = today(clock);
  const year = Number(now.slice(0, 4));
  const staff = 'staff-430181';
  const counters = new Map<string, number>();

  for (const spec of demoItems) {
    const region = spec.region ?? '430181';
    const sessionId = region === '430181' ? demoId('session:430181:3') : null;
    const registerKey = sessionId ?? `${region}:${year}`;
    const counterKey = `${registerKey}|${spec.kind}`;
    const serialNumber = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, serialNumber);
    const leadDeputyId = spec.lead === null ? null : demoId(`deputy:${region}:${spec.lead}`);
    const assignedOn = addDays(now, -spec.assignedDaysAgo);
    const receivedOn = addDays(assignedOn, -3);
    const leadUnit = spec.units?.find(([, role]) => role === 'LEAD')?.[0];
    const handler = leadUnit ? `handler-${unitId(leadUnit)}` : staff;
    const item: Suggestion = em.create(SuggestionSchema, {
      id: newId(at(receivedOn).getTime()),
      kind: spec.kind,
      regionCode: region,
      year,
      sessionId,
      registerKey,
      serialNumber,
      title: spec.title,
      content: spec.content,
      category: spec.category,
      leadDeputyId,
      proposerName: spec.proposerName ?? null,
      stage: 'RECEIVED',
      round: 1,
      grade: null,
      leadOfficial: null,
      leadOfficialId: null,
      complex: spec.complex ?? false,
      isKey: spec.key ?? false,
      keySupervisor: spec.key ? '市人大常委会副主任 陈红' : null,
      leadUnitId: null,
      assignedOn: null,
      replyDueOn: null,
      replyCategory: null,
      repliedOn: null,
      replyOnTime: null,
      latestResult: null,
      coercionRisk: false,
      rehandling: false,
      published: false,
      registeredAt: at(receivedOn),
      registeredBy: leadDeputyId ? `deputy-${leadDeputyId}` : staff,
      stepCount: 0,
      version: 1,
    });
    if (leadDeputyId)
      em.create(SuggestionSignerSchema, {
        id: newId(),
        suggestionId: item.id,
        deputyId: leadDeputyId,
        lead: true,
        position: 0,
        year,
      });
    (spec.coSigners ?? []).forEach((n, i) =>
      em.create(SuggestionSignerSchema, {
        id: newId(),
        suggestionId: item.id,
        deputyId: demoId(`deputy:${region}:${n}`),
        lead: false,
        position: i + 1,
        year,
      }),
    );

    // Dates of the later steps spread evenly between assignment and today.
    const stepDate = (i: number, of: number) =>
      i <= 1
        ? i === 0
          ? receivedOn
          : assignedOn
        : addDays(assignedOn, Math.floor(((spec.assignedDaysAgo || 1) * (i - 1)) / Math.max(of, 2)));
    const rounds: SuggestionStage[][] = spec.sentBack
      ? [pathTo('EVALUATED', item.isKey), ['HANDLING']]
      : [pathTo(spec.target, item.isKey)];
    const total = rounds.flat().length;
    let index = 0;
    for (const [r, path] of rounds.entries()) {
      item.round = r + 1;
      for (const stage of path) {
        const date = stepDate(index, total);
        index += 1;
        const by =
          stage === 'RECEIVED'
            ? item.registeredBy
            : stage === 'EVALUATED' || (stage === 'HANDLING' && r === 1)
              ? `deputy-${leadDeputyId}`
              : ['HANDLING', 'REVIEWED', 'REPLIED', 'FOLLOWED_UP', 'SUMMARIZED'].includes(stage)
                ? handler
                : staff;
        let note: string | null = null;
        if (stage === 'ASSIGNED') {
          Object.assign(item, {
            grade: spec.grade,
            leadOfficial: spec.leadOfficial,
            leadUnitId: unitId(leadUnit!),
            assignedOn: date,
            replyDueOn: replyDueOn(date, item.complex),
          });
          spec.units!.forEach(([slug, role], position) =>
            em.create(HandlingUnitSchema, {
              id: newId(),
              suggestionId: item.id,
              unitId: unitId(slug),
              role,
              position,
              year,
            }),
          );
          for (const sheet of spec.sheets ?? []) {
            em.create(SheetSchema, {
              id: newId(),
              suggestionId: item.id,
              kind: sheet.kind,
              unitId: unitId(sheet.unit),
              issuedOn: date,
              dueOn: addDays(date, 30),
              content: {
                ASSIGNMENT: '请按期办理并答复代表。',
                SUPERVISION: '请加快推进，按月报告进展。',
                REMINDER: '办理期限将至，请抓紧答复。',
              }[sheet.kind],
              issuedBy: staff,
              answeredOn: sheet.answered ? addDays(date, 10) : null,
              answeredBy: sheet.answered ? `handler-${unitId(sheet.unit)}` : null,
            });
          }
        }
        if (stage === 'SUPERVISED') note = '市政府办公室督办';
        if (stage === 'REVIEWED') note = `审核: ${spec.leadOfficial}`;
        if (stage === 'INSPECTED') note = '市人大常委会组织代表视察办理现场';
        if (stage === 'FOLLOWED_UP') note = '上门回访代表';
        if (stage === 'REPLIED') {
          const category = r === 0 ? spec.reply! : 'SOLVED';
          const facts = replyFacts(item, category, date);
          em.create(ReplySchema, {
            id: newId(),
            suggestionId: item.id,
            round: item.round,
            category,
            content: `关于《${spec.title}》的答复。`,
            repliedOn: date,
            reviewedBy: spec.leadOfficial!,
            onTime: facts.replyOnTime,
            repliedBy: handler,
          });
          Object.assign(item, facts);
        }
        if (stage === 'EVALUATED') {
          const [attitude, result] = spec.rating!;
          const facts = evaluationFacts(item, result);
          em.create(EvaluationSchema, {
            id: newId(),
            suggestionId: item.id,
            round: item.round,
            deputyId: leadDeputyId!,
            raterName: null,
            enteredBy: null,
            attitude,
            result,
            comment: result === 'DISSATISFIED' ? '问题没有解决' : '办理认真',
            evaluatedAt: at(date),
            coercionRisk: facts.coercionRisk,
          });
          Object.assign(item, facts);
        }
        if (stage === 'HANDLING' && r === 1) {
          note = '代表不满意，重新办理 (dissatisfied: back to handling)';
          Object.assign(item, rehandlingFacts(item, date));
        }
        if (stage === 'PUBLISHED') item.published = true;
        if (stage === 'REPLIED' && spec.record) recordHandling(em, item, spec, now, date);
        item.stepCount += 1;
        em.create(ProcessStepSchema, {
          id: newId(),
          suggestionId: item.id,
          stage,
          round: item.round,
          ordinal: item.stepCount,
          year: item.year,
          at: at(date),
          by,
          note,
        });
        item.stage = stage;
      }
    }
  }
  for (const [key, last] of counters) {
    const [registerKey, kind] = key.split('|') as [string, SuggestionKind];
    em.create(SerialCounterSchema, { registerKey, kind, last });
  }
  await em.flush();
}
