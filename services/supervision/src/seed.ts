import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import { demoId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, today } from '@renda/server-kit/dates';
import { DirectorySiblings, seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import { readSettings } from './env.ts';
import {
  recordExam,
  recordMotionVote,
  recordOath,
  submitMotion,
  type SubmitMotionInput,
} from './modules/appointments/appointments.service.ts';
import type { AppointmentMotion } from './modules/appointments/motion.entity.ts';
import { recordMeetingAttendance } from './modules/attendance/attendance.service.ts';
import { recordEvaluationTally, startEvaluation } from './modules/evaluations/evaluations.service.ts';
import { fileDocument, reviewDocument } from './modules/filings/filings.service.ts';
import { answerInquiry, concludeInquiry, fileInquiry } from './modules/inquiries/inquiries.service.ts';
import { addInspectionOpinions, startInspection } from './modules/inspections/inspections.service.ts';
import {
  decideMajorMatter,
  registerMajorMatter,
  reportMajorMatter,
} from './modules/major-matters/major-matters.service.ts';
import {
  closeOpinionItem,
  itemsOfSource,
  type OpinionItemInput,
  reportOpinionItem,
} from './modules/opinions/opinions.service.ts';
import { addReportOpinions, hearReport, recordReportTally } from './modules/reports/reports.service.ts';
import { adoptResolution } from './modules/resolutions/resolutions.service.ts';
import { GovernmentUnitSchema, OfficialSchema, type UnitKind } from './modules/units/unit.entity.ts';
import { createUnit, recordPerformanceReview } from './modules/units/units.service.ts';

const county = '430181';
const township = '430181104';

/** The units other services' demo data reference by `demoId('unit:<region>:<slug>')`. */
const units: { region: string; slug: string; name: string; kind: UnitKind; parent?: string }[] = [
  { region: county, slug: 'government', name: '浏阳市人民政府', kind: 'GOVERNMENT' },
  { region: county, slug: 'transport', name: '浏阳市交通运输局', kind: 'GOVERNMENT_DEPARTMENT', parent: 'government' },
  { region: county, slug: 'education', name: '浏阳市教育局', kind: 'GOVERNMENT_DEPARTMENT', parent: 'government' },
  { region: county, slug: 'water', name: '浏阳市水利局', kind: 'GOVERNMENT_DEPARTMENT', parent: 'government' },
  { region: county, slug: 'health', name: '浏阳市卫生健康局', kind: 'GOVERNMENT_DEPARTMENT', parent: 'government' },
  {
    region: county,
    slug: 'housing',
    name: '浏阳市住房和城乡建设局',
    kind: 'GOVERNMENT_DEPARTMENT',
    parent: 'government',
  },
  { region: county, slug: 'court', name: '浏阳市人民法院', kind: 'COURT' },
  { region: county, slug: 'procuratorate', name: '浏阳市人民检察院', kind: 'PROCURATORATE' },
  { region: county, slug: 'commission', name: '浏阳市监察委员会', kind: 'SUPERVISORY_COMMISSION' },
  { region: township, slug: 'government', name: '永安镇人民政府', kind: 'GOVERNMENT' },
];

const unitId = (slug: string, region = county) => demoId(`unit:${region}:${slug}`);

/** Who enters the demo's records: the county committee's staff, and each unit's handler for the unit's own reports. */
const staff = seedViewer.staff(county);
const handler = (slug: string): Viewer => ({
  sub: `handler-${county}-${slug}`,
  role: 'HANDLER',
  region: county,
  unit: unitId(slug),
  deputy: null,
});

/**
 * What the deputies subgraph's demo data (services/deputies/src/seed.ts) holds that the write functions check:
 * Liuyang's congress with its 8 standing-committee members (`requireCommitteeSize`, which asks for the congress
 * in office on the day of each vote: the demo has one congress, answered for every day) and its 40 deputies and
 * 8 members (`requireSiblingIds`).
 */
function deputiesDemo(): DirectorySiblings {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  return new DirectorySiblings()
    .add(
      'deputies',
      'Region',
      [
        {
          code: county,
          currentCongress: {
            id: demoId(`congress:${county}`),
            name: '浏阳市第十八届人民代表大会',
            committeeMemberCount: 8,
          },
        },
      ],
      'code',
    )
    .add(
      'deputies',
      'CommitteeMember',
      range(8).map((m) => ({ id: demoId(`member:${county}:${m}`) })),
    )
    .add(
      'deputies',
      'Deputy',
      range(40).map((n) => ({ id: demoId(`deputy:${county}:${n}`) })),
    );
}

/**
 * Demo data for Liuyang (浏阳市): its government, departments, court, procuratorate and commission,
 * and Yong'an town's government; appointment motions in every status; a report whose opinion items
 * include one overdue today; filings on time and late; an inspection, an evaluation, an inquiry,
 * major matters and meeting attendance. Every record is written by the service's own write functions,
 * as the staff member or handler who would enter it, on the day it happened, in one transaction.
 * Does nothing when units exist already.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(GovernmentUnitSchema, {})) > 0) return;
  await em.transactional(async (tx) => {
    const ctx = seedContext(tx, { siblings: deputiesDemo(), settings: readSettings(process.env), now: clock.now() });
    await seedUnits(ctx);
    const officials = await seedAppointments(ctx);
    await seedReport(ctx, today(clock));
    await seedResolution(ctx, today(clock));
    await seedInspection(ctx);
    await seedEvaluation(ctx);
    await seedMajorMatters(ctx);
    await seedFilings(ctx);
    await seedInquiry(ctx);
    await seedAttendance(ctx, officials);
  });
}

async function seedUnits(ctx: SeedContext): Promise<void> {
  const as = ctx.as(staff).on('2025-03-01');
  for (const u of units) {
    await createUnit(
      as,
      { regionCode: u.region, name: u.name, kind: u.kind, parentId: u.parent ? unitId(u.parent, u.region) : null },
      { id: unitId(u.slug, u.region) },
    );
  }
}

interface DemoMotion extends Omit<SubmitMotionInput, 'unitId' | 'submittedBy'> {
  unit: string;
  exam?: { on: string; score: number; statement?: string };
  vote?: { on: string; votesFor: number; votesAgainst: number; abstentions: number };
  swornInOn?: string;
}

/** G-6: a motion from its submission through the exam, the vote and the oath, as far as the demo has it. */
async function motion(ctx: SeedContext, m: DemoMotion): Promise<AppointmentMotion> {
  const as = ctx.as(staff);
  const { unit, exam, vote, swornInOn, ...input } = m;
  let row = await submitMotion(as.on(m.submittedOn), { ...input, unitId: unitId(unit), submittedBy: '浏阳市人民政府' });
  if (exam) row = await recordExam(as.on(exam.on), row.id, exam.score, exam.statement);
  // "All members": the standing committee of the deputies service's demo (8 members).
  if (vote) row = await recordMotionVote(as.on(vote.on), row.id, { ...vote, membersTotal: 8, votedOn: vote.on });
  if (swornInOn) row = await recordOath(as.on(swornInOn), row.id, swornInOn);
  return row;
}

/**
 * G-6: motions in every status. The officials in office are those the motions appointed; the water director,
 * appointed in 2021 before the platform kept motions, is the one official written directly (officials have no
 * mutation of their own: an approved motion creates them).
 */
async function seedAppointments(ctx: SeedContext): Promise<{ transport: string; education: string; water: string }> {
  const waterDirector = ctx.em.create(OfficialSchema, {
    id: demoId(`official:${county}:water-director`),
    unitId: unitId('water'),
    regionCode: county,
    name: '李卫东',
    position: '浏阳市水利局局长',
    status: 'IN_OFFICE',
    appointedOn: '2021-09-28',
    swornInOn: '2021-09-28',
    removedOn: null,
  });
  await ctx.em.flush();

  const appointed = (slug: string, nomineeName: string, position: string, score: number, statement: string) =>
    motion(ctx, {
      kind: 'APPOINT',
      unit: slug,
      nomineeName,
      position,
      submittedOn: '2025-03-10',
      exam: { on: '2025-03-20', score, statement },
      vote: { on: '2025-03-27', votesFor: 7, votesAgainst: 1, abstentions: 0 },
      swornInOn: '2025-03-27',
    });
  const transport = await appointed(
    'transport',
    '刘志强',
    '浏阳市交通运输局局长',
    92,
    '坚持依法行政，抓好农村公路建设和交通安全。',
  );
  const education = await appointed('education', '陈晓红', '浏阳市教育局局长', 88, '推进义务教育优质均衡发展。');
  await motion(ctx, {
    kind: 'APPOINT',
    unit: 'health',
    nomineeName: '王建国',
    position: '浏阳市卫生健康局局长',
    submittedOn: '2026-04-10',
    exam: { on: '2026-04-20', score: 85, statement: '完善基层医疗卫生服务体系。' },
    vote: { on: '2026-04-28', votesFor: 6, votesAgainst: 1, abstentions: 1 },
  });
  await motion(ctx, {
    kind: 'REMOVE',
    unit: 'water',
    nomineeName: '李卫东',
    position: '浏阳市水利局局长',
    submittedOn: '2026-04-10',
    officialId: waterDirector.id,
    vote: { on: '2026-04-28', votesFor: 7, votesAgainst: 0, abstentions: 1 },
  });
  // Half of all members for is not more than half: rejected.
  await motion(ctx, {
    kind: 'APPOINT',
    unit: 'housing',
    nomineeName: '孙立',
    position: '浏阳市住房和城乡建设局副局长',
    submittedOn: '2026-04-10',
    exam: { on: '2026-04-20', score: 75, statement: '抓好老旧小区改造。' },
    vote: { on: '2026-04-28', votesFor: 4, votesAgainst: 3, abstentions: 1 },
  });
  await motion(ctx, {
    kind: 'APPOINT',
    unit: 'housing',
    nomineeName: '赵敏',
    position: '浏阳市住房和城乡建设局局长',
    submittedOn: '2026-05-06',
    exam: { on: '2026-05-15', score: 81, statement: '推进城市更新和保障性住房建设。' },
  });
  await motion(ctx, {
    kind: 'APPOINT',
    unit: 'water',
    nomineeName: '周平',
    position: '浏阳市水利局局长',
    submittedOn: '2026-05-06',
    exam: { on: '2026-05-15', score: 52 },
  });
  await motion(ctx, {
    kind: 'APPOINT',
    unit: 'court',
    nomineeName: '黄磊',
    position: '浏阳市人民法院副院长',
    submittedOn: '2026-05-20',
  });

  await recordPerformanceReview(
    ctx.as(staff).on('2026-02-26'),
    transport.officialId!,
    2025,
    '农村公路提质改造312公里，完成交通安全隐患整治46处。',
    { satisfied: 26, basicallySatisfied: 6, dissatisfied: 1 },
  );
  return { transport: transport.officialId!, education: education.officialId!, water: waterDirector.id };
}

/** An opinion item of the demo: its unit's slug, and the days the unit reported it and the staff closed it. */
interface DemoItem {
  unit: string;
  content: string;
  dueOn: string;
  reportedOn?: string;
  closedOn?: string;
}

const itemInputs = (items: DemoItem[]): OpinionItemInput[] =>
  items.map((i) => ({ unitId: unitId(i.unit), content: i.content, dueOn: i.dueOn }));

/** G-3: each unit's handler reports on its items, the staff closes (销号) them, on the demo's days. */
async function followItems(ctx: SeedContext, sourceId: string, items: DemoItem[]): Promise<void> {
  for (const item of items) {
    if (!item.reportedOn) continue;
    const row = (await itemsOfSource(ctx, sourceId)).find((r) => r.content === item.content)!;
    await reportOpinionItem(ctx.as(handler(item.unit)).on(item.reportedOn), row.id, item.reportedOn);
    if (item.closedOn) await closeOpinionItem(ctx.as(staff).on(item.closedOn), row.id, item.closedOn);
  }
}

/** G-3: a report heard 60 days ago; one item overdue today, one reported, one closed. */
async function seedReport(ctx: SeedContext, now: string): Promise<void> {
  const heardOn = addDays(now, -60);
  const as = ctx.as(staff).on(heardOn);
  const report = await hearReport(as, {
    kind: 'SPECIAL_REPORT',
    title: '浏阳市人民政府关于农村饮水安全工作情况的报告',
    unitId: unitId('government'),
    heardOn,
  });
  await recordReportTally(as, report.id, { satisfied: 24, basicallySatisfied: 8, dissatisfied: 2 });
  const items: DemoItem[] = [
    { unit: 'water', content: '加快永安镇集中供水工程管网延伸，解决偏远村组饮水问题。', dueOn: addDays(now, -15) },
    {
      unit: 'health',
      content: '建立农村饮用水水质定期检测和公开制度。',
      dueOn: addDays(now, 30),
      reportedOn: addDays(now, -5),
    },
    {
      unit: 'government',
      content: '将农村饮水工程运行维护经费纳入财政预算。',
      dueOn: addDays(now, -20),
      reportedOn: addDays(now, -30),
      closedOn: addDays(now, -25),
    },
  ];
  await addReportOpinions(as, report.id, itemInputs(items));
  await followItems(ctx, report.id, items);
}

/** G-1: a decision of the county congress tracked through its tasks (one closed, one reported, one open). */
async function seedResolution(ctx: SeedContext, now: string): Promise<void> {
  const tasks: DemoItem[] = [
    {
      unit: 'water',
      content: '完成城乡供水一体化规划编制。',
      dueOn: '2026-04-30',
      reportedOn: '2026-04-20',
      closedOn: '2026-04-28',
    },
    {
      unit: 'housing',
      content: '完成城区老旧供水管网改造一期工程。',
      dueOn: '2026-10-31',
      reportedOn: addDays(now, -3),
    },
    { unit: 'government', content: '将农村供水工程建设纳入年度财政预算。', dueOn: '2026-12-31' },
  ];
  const resolution = await adoptResolution(
    ctx.as(staff).on('2026-02-26'),
    {
      regionCode: county,
      kind: 'DECISION',
      title: '浏阳市人民代表大会常务委员会关于推进城乡供水一体化的决定',
      adoptedOn: '2026-02-26',
      tasks: itemInputs(tasks),
    },
    { id: demoId(`resolution:${county}:water-supply`) },
  );
  await followItems(ctx, resolution.id, tasks);
}

/** G-4: an inspection led by three committee members with five deputies; its findings assign one item. */
async function seedInspection(ctx: SeedContext): Promise<void> {
  const as = ctx.as(staff);
  const inspection = await startInspection(as.on('2026-03-16'), {
    lawName: '中华人民共和国水污染防治法',
    regionCode: county,
    startsOn: '2026-03-16',
    endsOn: '2026-03-20',
    committeeMemberIds: [1, 2, 3].map((m) => demoId(`member:${county}:${m}`)),
    deputyIds: [1, 2, 3, 4, 5].map((n) => demoId(`deputy:${county}:${n}`)),
  });
  await addInspectionOpinions(
    as.on('2026-03-20'),
    inspection.id,
    '浏阳河部分支流沿岸生活污水直排，乡镇污水处理设施运行不稳定。',
    itemInputs([{ unit: 'water', content: '开展浏阳河支流入河排污口排查整治。', dueOn: '2026-09-30' }]),
  );
}

/** G-4: the 2025 evaluation of the education bureau, voted at the February meeting; its item reported. */
async function seedEvaluation(ctx: SeedContext): Promise<void> {
  const as = ctx.as(staff);
  const evaluation = await startEvaluation(as.on('2026-01-15'), {
    unitId: unitId('education'),
    year: 2025,
    subject: '义务教育优质均衡发展工作评议',
  });
  const items: DemoItem[] = [
    { unit: 'education', content: '解决城区学校大班额问题。', dueOn: '2026-08-31', reportedOn: '2026-05-15' },
  ];
  await recordEvaluationTally(
    as.on('2026-02-26'),
    evaluation.id,
    { satisfied: 22, basicallySatisfied: 10, dissatisfied: 1 },
    itemInputs(items),
  );
  await followItems(ctx, evaluation.id, items);
}

/** G-1: the year's list: one matter reported before its decision, one decided unreported, one planned. */
async function seedMajorMatters(ctx: SeedContext): Promise<void> {
  const as = ctx.as(staff);
  const register = (title: string, unit: string) =>
    registerMajorMatter(as.on('2026-01-15'), { title, unitId: unitId(unit), year: 2026 });
  const sewage = await register('浏阳市城区污水处理厂扩建工程', 'government');
  await reportMajorMatter(as.on('2026-02-26'), sewage.id, '2026-02-26');
  await decideMajorMatter(as.on('2026-03-12'), sewage.id, '2026-03-12');
  const buses = await register('浏阳市公交线路优化调整方案', 'transport');
  await decideMajorMatter(as.on('2026-04-02'), buses.id, '2026-04-02');
  await register('浏阳市2026年老旧小区改造计划', 'housing');
}

/** G-2: filings on time and late, reviewed with no issue, corrected, asked to correct, and pending. */
async function seedFilings(ctx: SeedContext): Promise<void> {
  const as = ctx.as(staff);
  const file = (title: string, documentNumber: string, issuer: string, publishedOn: string, filedOn: string) =>
    fileDocument(as.on(filedOn), {
      title,
      documentNumber,
      kind: 'NORMATIVE_DOCUMENT',
      issuerId: unitId(issuer),
      publishedOn,
      filedOn,
    });
  const roads = await file('浏阳市城区道路交通管理办法', '浏政发〔2026〕1号', 'government', '2026-01-05', '2026-01-20');
  await reviewDocument(as.on('2026-02-10'), roads.id, 'NO_ISSUE', null);
  const water = await file(
    '浏阳市农村集中供水工程管理办法',
    '浏政发〔2025〕18号',
    'government',
    '2025-12-15',
    '2026-01-20',
  );
  await reviewDocument(
    as.on('2026-02-10'),
    water.id,
    'CORRECTION_REQUESTED',
    '第十二条设定的罚款超出上位法规定的幅度，建议修改。',
  );
  await reviewDocument(as.on('2026-03-05'), water.id, 'CORRECTED', null);
  const tutoring = await file(
    '浏阳市中小学校外培训机构管理规定',
    '浏教发〔2026〕3号',
    'education',
    '2026-03-02',
    '2026-04-20',
  );
  await reviewDocument(
    as.on('2026-05-08'),
    tutoring.id,
    'CORRECTION_REQUESTED',
    '第八条限制了上位法未作限制的经营活动，请予纠正。',
  );
  await file('浏阳市城市房屋安全管理办法', '浏政发〔2026〕5号', 'government', '2026-04-01', '2026-04-28');
}

/** G-4: an inquiry of six members, answered by the housing bureau and closed by the signers' verdict. */
async function seedInquiry(ctx: SeedContext): Promise<void> {
  const inquiry = await fileInquiry(ctx.as(staff).on('2026-04-28'), {
    unitId: unitId('housing'),
    subject: '关于老旧小区改造工程质量问题的质询案',
    signers: 6,
    filedOn: '2026-04-28',
    answerDueOn: '2026-05-28',
  });
  await answerInquiry(
    ctx.as(handler('housing')).on('2026-05-20'),
    inquiry.id,
    '已对12个小区返工整改，建立工程质量终身责任制。',
    '2026-05-20',
  );
  await concludeInquiry(ctx.as(staff).on('2026-05-20'), inquiry.id, true);
}

/** G-5: 列席 at the meeting of 28 April 2026. */
async function seedAttendance(
  ctx: SeedContext,
  officials: { transport: string; education: string; water: string },
): Promise<void> {
  const as = ctx.as(staff).on('2026-04-28');
  const meetingOn = '2026-04-28';
  await recordMeetingAttendance(as, { meetingOn, officialId: officials.transport, status: 'PRESENT' });
  await recordMeetingAttendance(as, {
    meetingOn,
    officialId: officials.education,
    status: 'EXCUSED',
    leaveReason: '参加省教育厅全省教育工作会议',
  });
  await recordMeetingAttendance(as, { meetingOn, officialId: officials.water, status: 'PRESENT' });
}
