import type { EntityManager } from '@mikro-orm/postgresql';
import { EvaluationGroupTallySchema } from './modules/evaluations/evaluation.entity.ts';
import { demoId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { currentYear } from '@renda/server-kit/dates';
import {
  BallotCandidateSchema,
  BallotParticipationSchema,
  BallotRollSchema,
  BallotSchema,
  BallotTallySchema,
} from './modules/ballots/ballot.entity.ts';
import {
  EvaluationItemSchema,
  EvaluationParticipationSchema,
  EvaluationRollSchema,
  EvaluationRoundSchema,
  EvaluationTallySchema,
} from './modules/evaluations/evaluation.entity.ts';
import { ProgramSchema, ProposalSchema, type ProgramStage } from './modules/programs/program.entity.ts';
import {
  ProgressReportSchema,
  ProjectSchema,
  ProjectSupervisorSchema,
  type ProjectStatus,
} from './modules/projects/project.entity.ts';
import { RoomConfirmationSchema, RoomCountSchema, RoomEntrySchema } from './modules/room-tallies/room-tally.entity.ts';
import type { RoomEntry } from './modules/room-tallies/room-tally.entity.ts';
import { countsTable } from './modules/secrecy.ts';
import { placeholders, run } from './modules/sql.ts';

const YONGAN = '430181104';
const LIUYANG = '430181';

interface CandidateSeed {
  title: string;
  description: string;
  budget: string;
  unit: string;
  status: ProjectStatus;
  rank?: number;
  /** FOR, AGAINST, ABSTAIN in the closed (or open) ballot. */
  votes?: [number, number, number];
  /** Latest completion and the yuan spent, when reported. */
  progress?: [number, string];
  /** satisfied, basically satisfied, dissatisfied. */
  ratings?: [number, number, number];
  supervisors?: number[];
}

interface ProgramSeed {
  key: string;
  region: string;
  year: number;
  session: number;
  title: string;
  seats: number;
  stage: ProgramStage;
  roll: number;
  proposals: [string, string, string][];
  candidates: CandidateSeed[];
  /** Ballots cast; the ballot is OPEN while the program is VOTING. */
  cast?: number;
  /** V-6: a vote taken in the room on paper: tellers' confirmed totals (a paper issued to each deputy on the roll). */
  paper?: { void: number };
  /** Responses to the evaluation; the round is OPEN while the program is EVALUATING. */
  responses?: number;
}

function sessionDate(year: number, session: number): string {
  const y = session <= 2 ? year - 1 : year;
  return session % 2 === 1 ? `${y}-01-15` : `${y}-08-20`;
}

/**
 * Demo data: Yong'an town (永安镇) has a program in every stage; the CLOSED one carries the figures of
 * seed 004 — 79 deputies chose 2 projects (安全饮水, 交通设施完善) from 3 candidates. The bulletin's
 * satisfaction rates, 96.7% and 97.8%, need at least 90 raters (87/90, 88/90); with the 79 deputies
 * of the roll the nearest are 76/79 = 96.2% and 77/79 = 97.5%, which the seed uses (README).
 * Counters are written directly; participation rows go in a separate transaction, and no row links
 * a deputy to a choice. Liuyang (county) has one program so that coverage (V-5) spans two levels.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(ProgramSchema, {})) > 0) return;
  const year = currentYear(clock);
  const unit = (region: string, slug: string) => demoId(`unit:${region}:${slug}`);
  const gov = unit(YONGAN, 'government');
  const programs: ProgramSeed[] = [
    {
      key: 'closed',
      region: YONGAN,
      year: year - 1,
      session: 1,
      title: `永安镇${year - 1}年民生实事项目`,
      seats: 2,
      stage: 'CLOSED',
      roll: 79,
      cast: 79,
      responses: 79,
      proposals: [
        ['安全饮水', '西湖山村、坪头村季节性缺水，建议建设集中供水工程', '西湖山村村民委员会'],
        ['村道硬化和安保设施', '通村公路窄、急弯多，建议拓宽并增设护栏', '代表 王建国'],
        ['农村人居环境整治', '垃圾收运和污水处理设施不足', '芦塘村村民'],
        ['集镇停车场', '赶集日停车难', '个体工商户'],
      ],
      candidates: [
        {
          title: '安全饮水工程',
          description: '新建集中供水站2处，铺设供水管网18公里，覆盖4个村',
          budget: '3200000.00',
          unit: gov,
          status: 'COMPLETED',
          rank: 1,
          votes: [75, 2, 2],
          progress: [100, '3150000.00'],
          ratings: [70, 6, 3],
          supervisors: [1, 2, 3, 4, 5],
        },
        {
          title: '交通设施完善工程',
          description: '拓宽通村公路6公里，增设护栏和警示标志',
          budget: '2850000.00',
          unit: gov,
          status: 'COMPLETED',
          rank: 2,
          votes: [71, 5, 3],
          progress: [100, '2790000.00'],
          ratings: [72, 5, 2],
          supervisors: [6, 7, 8, 9, 10],
        },
        {
          title: '农村人居环境整治',
          description: '增设垃圾收运点和小型污水处理设施',
          budget: '1600000.00',
          unit: gov,
          status: 'NOT_ELECTED',
          votes: [8, 52, 19],
        },
      ],
    },
    {
      key: 'evaluating',
      region: YONGAN,
      year: year - 1,
      session: 2,
      title: `永安镇${year - 1}年下半年民生实事项目`,
      seats: 1,
      stage: 'EVALUATING',
      roll: 79,
      cast: 76,
      responses: 30,
      proposals: [['集镇路灯亮化', '集镇主街夜间照明不足', '光明社区居民']],
      candidates: [
        {
          title: '集镇路灯亮化工程',
          description: '安装太阳能路灯320盏',
          budget: '960000.00',
          unit: gov,
          status: 'COMPLETED',
          rank: 1,
          votes: [70, 2, 4],
          progress: [100, '935000.00'],
          ratings: [25, 4, 1],
          supervisors: [11, 12, 13],
        },
        {
          title: '农贸市场改造',
          description: '改造农贸市场顶棚和排水',
          budget: '1200000.00',
          unit: gov,
          status: 'NOT_ELECTED',
          votes: [5, 50, 21],
        },
      ],
    },
    {
      key: 'implementing',
      region: YONGAN,
      year,
      session: 3,
      title: `永安镇${year}年民生实事项目`,
      seats: 2,
      stage: 'IMPLEMENTING',
      roll: 79,
      cast: 78,
      paper: { void: 0 },
      proposals: [
        ['村级幼儿园', '适龄儿童入园难', '代表 李秀英'],
        ['饮用水源保护', '水源地周边养殖污染', '丰裕村村民'],
      ],
      candidates: [
        {
          title: '村级幼儿园改扩建',
          description: '改扩建丰裕村幼儿园，新增学位120个',
          budget: '2400000.00',
          unit: gov,
          status: 'IN_PROGRESS',
          rank: 1,
          votes: [72, 3, 3],
          progress: [60, '1380000.00'],
          supervisors: [14, 15, 16],
        },
        {
          title: '饮用水源保护',
          description: '划定水源保护区并建设隔离设施',
          budget: '880000.00',
          unit: gov,
          status: 'ELECTED',
          rank: 2,
          votes: [66, 6, 6],
          supervisors: [17, 18, 19],
        },
        {
          title: '文化广场建设',
          description: '建设集镇文化广场',
          budget: '1500000.00',
          unit: gov,
          status: 'NOT_ELECTED',
          votes: [14, 40, 24],
        },
      ],
    },
    {
      key: 'voting',
      region: YONGAN,
      year,
      session: 3,
      title: `永安镇${year}年集镇提质民生实事项目`,
      seats: 1,
      stage: 'VOTING',
      roll: 79,
      cast: 40,
      proposals: [],
      candidates: [
        {
          title: '集镇排水管网改造',
          description: '改造集镇主街排水管网2.4公里',
          budget: '1350000.00',
          unit: gov,
          status: 'CANDIDATE',
          votes: [28, 7, 5],
        },
        {
          title: '集镇公厕新建',
          description: '新建公厕3座',
          budget: '450000.00',
          unit: gov,
          status: 'CANDIDATE',
          votes: [10, 18, 12],
        },
      ],
    },
    {
      key: 'screening',
      region: YONGAN,
      year,
      session: 4,
      title: `永安镇${year}年第二批民生实事项目`,
      seats: 2,
      stage: 'SCREENING',
      roll: 0,
      proposals: [
        ['养老服务站', '留守老人多，缺少日间照料', '永安村村民委员会'],
        ['农田水利', '山塘渗漏', '代表 张志强'],
        ['电商服务点', '农产品销售难', '合作社理事长'],
      ],
      candidates: [],
    },
    {
      key: 'soliciting',
      region: YONGAN,
      year,
      session: 4,
      title: `永安镇${year}年冬季民生实事项目征集`,
      seats: 1,
      stage: 'SOLICITING',
      roll: 0,
      proposals: [['冬季供暖', '村小冬季教室取暖', '坪头村家长']],
      candidates: [],
    },
    {
      key: 'county',
      region: LIUYANG,
      year,
      session: 3,
      title: `浏阳市${year}年民生实事项目`,
      seats: 3,
      stage: 'IMPLEMENTING',
      roll: 40,
      cast: 39,
      proposals: [],
      candidates: [
        {
          title: '农村公路安防工程',
          description: '完善农村公路安全防护设施150公里',
          budget: '18000000.00',
          unit: unit(LIUYANG, 'transport'),
          status: 'IN_PROGRESS',
          rank: 1,
          votes: [37, 1, 1],
          progress: [45, '7900000.00'],
          supervisors: [1, 2, 3],
        },
        {
          title: '城区学校扩容',
          description: '新建、改扩建中小学6所',
          budget: '52000000.00',
          unit: unit(LIUYANG, 'education'),
          status: 'IN_PROGRESS',
          rank: 2,
          votes: [35, 2, 2],
          progress: [30, '14500000.00'],
          supervisors: [4, 5, 6],
        },
        {
          title: '农村饮水安全巩固提升',
          description: '改造供水工程24处',
          budget: '26000000.00',
          unit: unit(LIUYANG, 'water'),
          status: 'ELECTED',
          rank: 3,
          votes: [33, 3, 3],
          supervisors: [7, 8, 9],
        },
        {
          title: '基层卫生院提质',
          description: '改造乡镇卫生院8所',
          budget: '12000000.00',
          unit: unit(LIUYANG, 'health'),
          status: 'NOT_ELECTED',
          votes: [12, 15, 12],
        },
      ],
    },
  ];

  const participation: { kind: 'ballot' | 'round'; id: string; deputies: string[] }[] = [];
  const roomEntries: RoomEntry[] = [];
  const roomRows: (() => unknown)[] = [];
  const openCounts: { kind: 'ballot' | 'evaluation'; id: string; rows: [string, number, number, number] }[] = [];
  for (const p of programs) {
    const programId = demoId(`program:${p.region}:${p.key}`);
    const opensOn = sessionDate(year, p.session);
    const openedAt = new Date(`${opensOn}T02:00:00Z`);
    const deputy = (n: number) => demoId(`deputy:${p.region}:${n}`);
    em.create(ProgramSchema, {
      id: programId,
      regionCode: p.region,
      level: p.region.length === 9 ? 'TOWNSHIP' : p.region.length === 6 ? 'COUNTY' : 'CITY',
      year: p.year,
      sessionId: demoId(`session:${p.region}:${p.session}`),
      congressId: demoId(`congress:${p.region}`),
      title: p.title,
      seats: p.seats,
      stage: p.stage,
      createdAt: new Date(openedAt.getTime() - 60 * 86_400_000),
    });
    const proposalIds = p.proposals.map(([title, description, proposer], i) => {
      const id = demoId(`proposal:${p.region}:${p.key}:${i + 1}`);
      em.create(ProposalSchema, {
        id,
        programId,
        regionCode: p.region,
        title,
        description,
        proposer,
        proposedAt: new Date(openedAt.getTime() - (50 - i) * 86_400_000),
      });
      return id;
    });
    const projectIds = p.candidates.map((c, i) => {
      const id = demoId(`project:${p.region}:${p.key}:${i + 1}`);
      em.create(ProjectSchema, {
        id,
        programId,
        regionCode: p.region,
        year: p.year,
        position: i + 1,
        title: c.title,
        description: c.description,
        budget: c.budget,
        leadUnitId: c.unit,
        status: c.status,
        rank: c.rank ?? null,
        proposalId: proposalIds[i] ?? null,
        percentComplete: c.progress?.[0] ?? 0,
      });
      if (c.progress) {
        const [percent, spent] = c.progress;
        const steps =
          percent === 100
            ? [
                [40, 0.4],
                [100, 1],
              ]
            : [[percent, 1]];
        steps.forEach(([pc, share], s) =>
          em.create(ProgressReportSchema, {
            id: demoId(`progress:${id}:${s + 1}`),
            projectId: id,
            regionCode: p.region,
            reportedOn: p.year < year ? `${p.year}-${s === 0 ? '06' : '11'}-30` : `${year}-05-31`,
            percentComplete: pc!,
            spent: (Number(spent) * share!).toFixed(2),
            note: pc === 100 ? '项目已完工并通过验收' : '按计划推进',
            recordedAt: openedAt,
          }),
        );
      }
      for (const n of c.supervisors ?? [])
        em.create(ProjectSupervisorSchema, { projectId: id, deputyId: deputy(n), regionCode: p.region });
      return id;
    });
    if (p.cast !== undefined) {
      const ballotId = demoId(`ballot:${p.region}:${p.key}`);
      const open = p.stage === 'VOTING';
      em.create(BallotSchema, {
        id: ballotId,
        programId,
        regionCode: p.region,
        year: p.year,
        status: open ? 'OPEN' : 'CLOSED',
        seats: p.seats,
        runOff: false,
        rollSize: p.roll,
        ballotsCast: p.cast,
        openedAt,
        closedAt: open ? null : new Date(openedAt.getTime() + 3 * 3_600_000),
        method: p.paper ? 'PAPER' : 'ONLINE',
      });
      if (p.paper) {
        // V-6: entered by one teller, confirmed by another; turnout is the papers returned; no participation rows.
        const entryId = demoId(`room-entry:${ballotId}:1`);
        const enteredAt = new Date(openedAt.getTime() + 2 * 3_600_000);
        roomEntries.push({
          id: entryId,
          ballotId,
          entry: 1,
          ballotsIssued: p.roll,
          ballotsReturned: p.cast,
          ballotsVoid: p.paper.void,
          enteredBy: `teller-1-${p.region}`,
          enteredAt,
        });
        p.candidates.forEach((c, i) => {
          const [votesFor, votesAgainst, abstentions] = c.votes!;
          roomRows.push(() =>
            em.create(RoomCountSchema, {
              entryId,
              candidateId: projectIds[i]!,
              position: i + 1,
              votesFor,
              votesAgainst,
              abstentions,
            }),
          );
        });
        const confirmedAt = new Date(enteredAt.getTime() + 600_000);
        const confirmedBy = `teller-2-${p.region}`;
        roomRows.push(() => em.create(RoomConfirmationSchema, { entryId, confirmedBy, confirmedAt }));
      }
      for (let n = 1; n <= p.roll; n++) em.create(BallotRollSchema, { ballotId, deputyId: deputy(n) });
      p.candidates.forEach((c, i) => {
        const [votesFor, votesAgainst, abstentions] = c.votes!;
        const elected = c.rank !== undefined;
        em.create(BallotCandidateSchema, { ballotId, candidateId: projectIds[i]!, position: i + 1 });
        // An open ballot counts in its own table (made below); a closed one has its totals only.
        if (open)
          openCounts.push({
            kind: 'ballot',
            id: ballotId,
            rows: [projectIds[i]!, votesFor, votesAgainst, abstentions],
          });
        else
          em.create(BallotTallySchema, {
            ballotId,
            candidateId: projectIds[i]!,
            position: i + 1,
            votesFor,
            votesAgainst,
            abstentions,
            final: true,
            passed: votesFor * 2 > p.roll,
            elected,
            tied: false,
          });
      });
      if (!p.paper) {
        const deputies = Array.from({ length: p.cast }, (_, k) => deputy(k + 1));
        participation.push({ kind: 'ballot', id: ballotId, deputies });
      }
    }
    if (p.responses !== undefined) {
      const roundId = demoId(`evaluation:${p.region}:${p.key}`);
      const open = p.stage === 'EVALUATING';
      const roundOpened = new Date(`${sessionDate(year, 3)}T06:00:00Z`);
      em.create(EvaluationRoundSchema, {
        id: roundId,
        programId,
        regionCode: p.region,
        year: p.year,
        status: open ? 'OPEN' : 'CLOSED',
        rollSize: p.roll,
        responses: p.responses,
        openedAt: roundOpened,
        closedAt: open ? null : new Date(roundOpened.getTime() + 2 * 3_600_000),
        // V-7: rated at this year's first session (the third of the term), after the report is heard.
        sessionId: p.session < 3 ? demoId(`session:${p.region}:3`) : null,
        raters: 'DEPUTIES',
      });
      for (let n = 1; n <= p.roll; n++) {
        em.create(EvaluationRollSchema, { roundId, deputyId: deputy(n), raterGroup: 'DEPUTIES' });
      }
      p.candidates.forEach((c, i) => {
        if (!c.ratings) return;
        const [satisfied, basicallySatisfied, dissatisfied] = c.ratings;
        em.create(EvaluationItemSchema, { roundId, projectId: projectIds[i]! });
        if (open)
          openCounts.push({
            kind: 'evaluation',
            id: roundId,
            rows: [projectIds[i]!, satisfied, basicallySatisfied, dissatisfied],
          });
        else {
          const totals = { satisfied, basicallySatisfied, dissatisfied };
          em.create(EvaluationTallySchema, { roundId, projectId: projectIds[i]!, ...totals, final: true });
          const group = { roundId, projectId: projectIds[i]!, raterGroup: 'DEPUTIES' as const };
          em.create(EvaluationGroupTallySchema, { ...group, satisfied, basicallySatisfied, dissatisfied });
        }
      });
      participation.push({
        kind: 'round',
        id: roundId,
        deputies: Array.from({ length: p.responses }, (_, k) => deputy(k + 1)),
      });
    }
  }
  await em.flush();
  // Tellers' entries after their ballots, and their counts and confirmations after them (foreign keys).
  for (const entry of roomEntries) em.create(RoomEntrySchema, entry);
  await em.flush();
  for (const row of roomRows) row();
  await em.flush();
  for (const kind of ['ballot', 'evaluation'] as const) {
    for (const id of new Set(openCounts.filter((c) => c.kind === kind).map((c) => c.id))) {
      const rows = openCounts.filter((c) => c.kind === kind && c.id === id).map((c) => c.rows);
      const [key, x1, x2, x3] =
        kind === 'ballot'
          ? ['candidate_id', 'votes_for', 'votes_against', 'abstentions']
          : ['project_id', 'satisfied', 'basically_satisfied', 'dissatisfied'];
      await run(
        em,
        `create table ${countsTable(kind, id)} ("${key}" uuid not null primary key, "${x1}" int not null default 0, "${x2}" int not null default 0, "${x3}" int not null default 0)`,
      );
      await run(
        em,
        `insert into ${countsTable(kind, id)} values ${placeholders(rows.length, '(?, ?, ?, ?)')}`,
        rows.flat(),
      );
    }
  }
  // Participation in its own transaction: it shares no transaction id with the counters above.
  for (const part of participation) {
    for (const deputyId of part.deputies) {
      if (part.kind === 'ballot') em.create(BallotParticipationSchema, { ballotId: part.id, deputyId });
      else em.create(EvaluationParticipationSchema, { roundId: part.id, deputyId });
    }
  }
  await em.flush();
}
