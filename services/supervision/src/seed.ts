import type { EntityManager } from '@mikro-orm/postgresql';
import { demoId, newId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, today } from '@renda/server-kit/dates';
import { AppointmentMotionSchema, type AppointmentMotion } from './modules/appointments/motion.entity.ts';
import { FiledDocumentSchema } from './modules/filings/filing.entity.ts';
import { MajorMatterSchema } from './modules/major-matters/major-matter.entity.ts';
import { filingDeadline } from './modules/filings/filings.service.ts';
import { InquirySchema } from './modules/inquiries/inquiry.entity.ts';
import { MeetingAttendanceSchema } from './modules/attendance/attendance.entity.ts';
import { ResolutionSchema } from './modules/resolutions/resolution.entity.ts';
import {
  InspectionDeputySchema,
  InspectionMemberSchema,
  LawInspectionSchema,
} from './modules/inspections/inspection.entity.ts';
import { OpinionItemSchema, type OpinionItem } from './modules/opinions/opinion.entity.ts';
import { ReportSchema } from './modules/reports/report.entity.ts';
import { WorkEvaluationSchema } from './modules/evaluations/evaluation.entity.ts';
import {
  GovernmentUnitSchema,
  OfficialSchema,
  PerformanceReviewSchema,
  type Official,
  type UnitKind,
} from './modules/units/unit.entity.ts';

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
const officialId = (slug: string) => demoId(`official:${county}:${slug}`);

/**
 * Demo data for Liuyang (浏阳市): its government, departments, court, procuratorate and commission,
 * and Yong'an town's government; appointment motions in every status; a report whose opinion items
 * include one overdue today; filings on time and late; an inspection, an evaluation, an inquiry,
 * major matters and meeting attendance. Does nothing when units exist already.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(GovernmentUnitSchema, {})) > 0) return;
  const now = today(clock);

  for (const u of units) {
    em.create(GovernmentUnitSchema, {
      id: unitId(u.slug, u.region),
      regionCode: u.region,
      name: u.name,
      kind: u.kind,
      parentId: u.parent ? unitId(u.parent, u.region) : null,
    });
  }

  const official = (
    slug: string,
    unit: string,
    name: string,
    position: string,
    status: Official['status'],
    appointedOn: string,
    swornInOn: string | null,
    removedOn: string | null = null,
  ) =>
    em.create(OfficialSchema, {
      id: officialId(slug),
      unitId: unitId(unit),
      regionCode: county,
      name,
      position,
      status,
      appointedOn,
      swornInOn,
      removedOn,
    });
  official(
    'transport-director',
    'transport',
    '刘志强',
    '浏阳市交通运输局局长',
    'IN_OFFICE',
    '2025-03-27',
    '2025-03-27',
  );
  official('education-director', 'education', '陈晓红', '浏阳市教育局局长', 'IN_OFFICE', '2025-03-27', '2025-03-27');
  official('health-director', 'health', '王建国', '浏阳市卫生健康局局长', 'APPOINTED', '2026-04-28', null);
  official(
    'water-director',
    'water',
    '李卫东',
    '浏阳市水利局局长',
    'REMOVED',
    '2021-09-28',
    '2021-09-28',
    '2026-04-28',
  );

  const motion = (
    m: Partial<AppointmentMotion> &
      Pick<AppointmentMotion, 'kind' | 'nomineeName' | 'position' | 'status' | 'submittedOn'> & { unit: string },
  ) => {
    const { unit, ...rest } = m;
    em.create(AppointmentMotionSchema, {
      id: newId(),
      unitId: unitId(unit),
      regionCode: county,
      submittedBy: '浏阳市人民政府',
      examScore: null,
      // The verdict each demo motion's status records (its score against the default pass mark, 60).
      examPassed: m.examScore == null ? null : m.status !== 'EXAM_FAILED',
      statement: null,
      votesFor: null,
      votesAgainst: null,
      abstentions: null,
      membersTotal: null,
      votedOn: null,
      swornInOn: null,
      officialId: null,
      ...rest,
    });
  };
  const vote = (votesFor: number, votesAgainst: number, abstentions: number, votedOn: string) => ({
    votesFor,
    votesAgainst,
    abstentions,
    membersTotal: 35,
    votedOn,
  });
  motion({
    kind: 'APPOINT',
    unit: 'transport',
    nomineeName: '刘志强',
    position: '浏阳市交通运输局局长',
    submittedOn: '2025-03-10',
    status: 'SWORN_IN',
    examScore: 92,
    statement: '坚持依法行政，抓好农村公路建设和交通安全。',
    ...vote(31, 1, 1, '2025-03-27'),
    swornInOn: '2025-03-27',
    officialId: officialId('transport-director'),
  });
  motion({
    kind: 'APPOINT',
    unit: 'education',
    nomineeName: '陈晓红',
    position: '浏阳市教育局局长',
    submittedOn: '2025-03-10',
    status: 'SWORN_IN',
    examScore: 88,
    statement: '推进义务教育优质均衡发展。',
    ...vote(30, 2, 1, '2025-03-27'),
    swornInOn: '2025-03-27',
    officialId: officialId('education-director'),
  });
  motion({
    kind: 'APPOINT',
    unit: 'health',
    nomineeName: '王建国',
    position: '浏阳市卫生健康局局长',
    submittedOn: '2026-04-10',
    status: 'APPROVED',
    examScore: 85,
    statement: '完善基层医疗卫生服务体系。',
    ...vote(29, 3, 2, '2026-04-28'),
    officialId: officialId('health-director'),
  });
  motion({
    kind: 'REMOVE',
    unit: 'water',
    nomineeName: '李卫东',
    position: '浏阳市水利局局长',
    submittedOn: '2026-04-10',
    status: 'APPROVED',
    ...vote(32, 0, 1, '2026-04-28'),
    officialId: officialId('water-director'),
  });
  motion({
    kind: 'APPOINT',
    unit: 'housing',
    nomineeName: '孙立',
    position: '浏阳市住房和城乡建设局副局长',
    submittedOn: '2026-04-10',
    status: 'REJECTED',
    examScore: 75,
    statement: '抓好老旧小区改造。',
    ...vote(15, 12, 5, '2026-04-28'),
  });
  motion({
    kind: 'APPOINT',
    unit: 'housing',
    nomineeName: '赵敏',
    position: '浏阳市住房和城乡建设局局长',
    submittedOn: '2026-05-06',
    status: 'EXAM_PASSED',
    examScore: 81,
    statement: '推进城市更新和保障性住房建设。',
  });
  motion({
    kind: 'APPOINT',
    unit: 'water',
    nomineeName: '周平',
    position: '浏阳市水利局局长',
    submittedOn: '2026-05-06',
    status: 'EXAM_FAILED',
    examScore: 52,
  });
  motion({
    kind: 'APPOINT',
    unit: 'court',
    nomineeName: '黄磊',
    position: '浏阳市人民法院副院长',
    submittedOn: '2026-05-20',
    status: 'SUBMITTED',
  });

  em.create(PerformanceReviewSchema, {
    officialId: officialId('transport-director'),
    year: 2025,
    regionCode: county,
    reportSummary: '农村公路提质改造312公里，完成交通安全隐患整治46处。',
    satisfied: 26,
    basicallySatisfied: 6,
    dissatisfied: 1,
  });

  // G-3: a report heard 60 days ago; one item overdue today, one reported, one closed.
  const heardOn = addDays(now, -60);
  const reportId = newId();
  em.create(ReportSchema, {
    id: reportId,
    kind: 'SPECIAL_REPORT',
    title: '浏阳市人民政府关于农村饮水安全工作情况的报告',
    unitId: unitId('government'),
    regionCode: county,
    heardOn,
    satisfied: 24,
    basicallySatisfied: 8,
    dissatisfied: 2,
  });
  const item = (
    sourceKind: OpinionItem['sourceKind'],
    sourceId: string,
    unit: string,
    content: string,
    dueOn: string,
    status: OpinionItem['status'],
    reportedOn: string | null = null,
    closedOn: string | null = null,
  ) =>
    em.create(OpinionItemSchema, {
      id: newId(),
      sourceKind,
      sourceId,
      unitId: unitId(unit),
      regionCode: county,
      content,
      dueOn,
      status,
      reportedOn,
      closedOn,
    });
  item(
    'REPORT',
    reportId,
    'water',
    '加快永安镇集中供水工程管网延伸，解决偏远村组饮水问题。',
    addDays(now, -15),
    'OPEN',
  );
  item(
    'REPORT',
    reportId,
    'health',
    '建立农村饮用水水质定期检测和公开制度。',
    addDays(now, 30),
    'REPORTED',
    addDays(now, -5),
  );
  item(
    'REPORT',
    reportId,
    'government',
    '将农村饮水工程运行维护经费纳入财政预算。',
    addDays(now, -20),
    'CLOSED',
    addDays(now, -30),
    addDays(now, -25),
  );

  // G-1: a decision of the county congress tracked through its tasks (one closed, one reported, one open).
  const resolutionId = demoId(`resolution:${county}:water-supply`);
  em.create(ResolutionSchema, {
    id: resolutionId,
    regionCode: county,
    kind: 'DECISION',
    title: '浏阳市人民代表大会常务委员会关于推进城乡供水一体化的决定',
    adoptedOn: '2026-02-26',
  });
  item(
    'RESOLUTION',
    resolutionId,
    'water',
    '完成城乡供水一体化规划编制。',
    '2026-04-30',
    'CLOSED',
    '2026-04-20',
    '2026-04-28',
  );
  item(
    'RESOLUTION',
    resolutionId,
    'housing',
    '完成城区老旧供水管网改造一期工程。',
    '2026-10-31',
    'REPORTED',
    addDays(now, -3),
  );
  item('RESOLUTION', resolutionId, 'government', '将农村供水工程建设纳入年度财政预算。', '2026-12-31', 'OPEN');

  const inspectionId = newId();
  em.create(LawInspectionSchema, {
    id: inspectionId,
    lawName: '中华人民共和国水污染防治法',
    regionCode: county,
    startsOn: '2026-03-16',
    endsOn: '2026-03-20',
    findings: '浏阳河部分支流沿岸生活污水直排，乡镇污水处理设施运行不稳定。',
  });
  for (let n = 1; n <= 3; n++)
    em.create(InspectionMemberSchema, { inspectionId, memberId: demoId(`member:${county}:${n}`) });
  for (let n = 1; n <= 5; n++)
    em.create(InspectionDeputySchema, { inspectionId, deputyId: demoId(`deputy:${county}:${n}`) });
  item('INSPECTION', inspectionId, 'water', '开展浏阳河支流入河排污口排查整治。', '2026-09-30', 'OPEN');

  const evaluationId = newId();
  em.create(WorkEvaluationSchema, {
    id: evaluationId,
    unitId: unitId('education'),
    regionCode: county,
    year: 2025,
    subject: '义务教育优质均衡发展工作评议',
    satisfied: 22,
    basicallySatisfied: 10,
    dissatisfied: 1,
  });
  item('EVALUATION', evaluationId, 'education', '解决城区学校大班额问题。', '2026-08-31', 'REPORTED', '2026-05-15');

  em.create(MajorMatterSchema, {
    id: newId(),
    title: '浏阳市城区污水处理厂扩建工程',
    unitId: unitId('government'),
    regionCode: county,
    year: 2026,
    status: 'DECIDED',
    reportedOn: '2026-02-26',
    decidedOn: '2026-03-12',
    reportedBeforeDecision: true,
  });
  em.create(MajorMatterSchema, {
    id: newId(),
    title: '浏阳市公交线路优化调整方案',
    unitId: unitId('transport'),
    regionCode: county,
    year: 2026,
    status: 'DECIDED',
    reportedOn: null,
    decidedOn: '2026-04-02',
    reportedBeforeDecision: false,
  });
  em.create(MajorMatterSchema, {
    id: newId(),
    title: '浏阳市2026年老旧小区改造计划',
    unitId: unitId('housing'),
    regionCode: county,
    year: 2026,
    status: 'PLANNED',
    reportedOn: null,
    decidedOn: null,
    reportedBeforeDecision: null,
  });

  const doc = (
    title: string,
    documentNumber: string,
    issuer: string,
    publishedOn: string,
    filedOn: string,
    reviewStatus: 'PENDING' | 'NO_ISSUE' | 'CORRECTION_REQUESTED' | 'CORRECTED',
    reviewOpinion: string | null = null,
    reviewedOn: string | null = null,
  ) =>
    em.create(FiledDocumentSchema, {
      id: newId(),
      title,
      documentNumber,
      kind: 'NORMATIVE_DOCUMENT',
      issuerId: unitId(issuer),
      regionCode: county,
      publishedOn,
      filedOn,
      ...filingDeadline(publishedOn, filedOn),
      reviewStatus,
      reviewOpinion,
      reviewedOn,
    });
  doc(
    '浏阳市城区道路交通管理办法',
    '浏政发〔2026〕1号',
    'government',
    '2026-01-05',
    '2026-01-20',
    'NO_ISSUE',
    null,
    '2026-02-10',
  );
  doc(
    '浏阳市农村集中供水工程管理办法',
    '浏政发〔2025〕18号',
    'government',
    '2025-12-15',
    '2026-01-20',
    'CORRECTED',
    '第十二条设定的罚款超出上位法规定的幅度，建议修改。',
    '2026-03-05',
  );
  doc(
    '浏阳市中小学校外培训机构管理规定',
    '浏教发〔2026〕3号',
    'education',
    '2026-03-02',
    '2026-04-20',
    'CORRECTION_REQUESTED',
    '第八条限制了上位法未作限制的经营活动，请予纠正。',
    '2026-05-08',
  );
  doc('浏阳市城市房屋安全管理办法', '浏政发〔2026〕5号', 'government', '2026-04-01', '2026-04-28', 'PENDING');

  em.create(InquirySchema, {
    id: newId(),
    unitId: unitId('housing'),
    regionCode: county,
    subject: '关于老旧小区改造工程质量问题的质询案',
    signers: 6,
    filedOn: '2026-04-28',
    answerDueOn: '2026-05-28',
    answeredOn: '2026-05-20',
    answer: '已对12个小区返工整改，建立工程质量终身责任制。',
    status: 'CLOSED',
  });

  const attend = (
    slug: string,
    unit: string,
    status: 'PRESENT' | 'EXCUSED' | 'ABSENT',
    leaveReason: string | null = null,
  ) =>
    em.create(MeetingAttendanceSchema, {
      id: newId(),
      meetingOn: '2026-04-28',
      officialId: officialId(slug),
      unitId: unitId(unit),
      regionCode: county,
      status,
      leaveReason,
    });
  attend('transport-director', 'transport', 'PRESENT');
  attend('education-director', 'education', 'EXCUSED', '参加省教育厅全省教育工作会议');
  attend('water-director', 'water', 'PRESENT');

  await em.flush();
}
