import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import { demoId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { addDays, currentYear } from '@renda/server-kit/dates';
import { DirectorySiblings, seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import { readSettings } from './env.ts';
import {
  castBallot,
  closeBallot,
  confirmRoomTally,
  enterRoomTally,
  openBallot,
  type VoteChoice,
} from './modules/ballots/ballots.service.ts';
import {
  closeEvaluation,
  openEvaluation,
  rateProjects,
  type Satisfaction,
} from './modules/evaluations/evaluations.service.ts';
import { ProgramSchema, type ProgramStage } from './modules/programs/program.entity.ts';
import {
  closeSolicitation,
  createProgram,
  programLevelOf,
  proposeProject,
  setCandidates,
} from './modules/programs/programs.service.ts';
import { assignSupervisors, reportProgress } from './modules/projects/projects.service.ts';
import { roomEntriesOf } from './modules/room-tallies/room-tallies.service.ts';

const YONGAN = '430181104';
const LIUYANG = '430181';

interface CandidateSeed {
  title: string;
  description: string;
  budget: string;
  unit: string;
  /** FOR, AGAINST, ABSTAIN in the closed (or open) ballot: who is elected, and their rank, follow from them. */
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
  /** The stage the program's acts reach: each act below is done only to get there. */
  stage: ProgramStage;
  /** Deputies 1..roll of the congress are on the roll of the ballot and of the evaluation. */
  roll?: number;
  proposals: [string, string, string][];
  candidates: CandidateSeed[];
  /** Ballots cast, by deputies 1..cast; the ballot stays OPEN while the program is VOTING. */
  cast?: number;
  /** V-6: a vote taken in the room on paper: tellers' confirmed totals (a paper issued to each deputy on the roll). */
  paper?: { void: number };
  /** Responses to the evaluation, by deputies 1..responses; the round stays OPEN while the program is EVALUATING. */
  responses?: number;
}

/** The day a session of the demo congresses opens, as the deputies seed writes it (two a year). */
function sessionDate(year: number, session: number): string {
  const y = session <= 2 ? year - 1 : year;
  return session % 2 === 1 ? `${y}-01-15` : `${y}-08-20`;
}

const unit = (region: string, slug: string) => demoId(`unit:${region}:${slug}`);
const deputy = (region: string, n: number) => demoId(`deputy:${region}:${n}`);

/**
 * What the deputies and supervision seeds write that the write functions check (exactly the fields
 * they read): the sessions of Yong'an's and Liuyang's congresses, their ACTIVE deputies, the lead units.
 */
function demoSiblings(year: number): DirectorySiblings {
  const siblings = new DirectorySiblings();
  for (const [region, deputies] of [
    [YONGAN, 79],
    [LIUYANG, 40],
  ] as const) {
    const congress = { id: demoId(`congress:${region}`), region: { code: region } };
    siblings.add(
      'deputies',
      'CongressSession',
      [1, 2, 3, 4].map((n) => {
        const opensOn = sessionDate(year, n);
        return { id: demoId(`session:${region}:${n}`), opensOn, closesOn: addDays(opensOn, 2), congress };
      }),
    );
    siblings.add(
      'deputies',
      'Deputy',
      Array.from({ length: deputies }, (_, k) => ({
        id: deputy(region, k + 1),
        status: 'ACTIVE',
        congress: { id: congress.id },
      })),
    );
  }
  const units: [string, string][] = [
    [YONGAN, 'government'],
    [LIUYANG, 'transport'],
    [LIUYANG, 'education'],
    [LIUYANG, 'water'],
    [LIUYANG, 'health'],
  ];
  siblings.add(
    'supervision',
    'GovernmentUnit',
    units.map(([region, slug]) => ({ id: unit(region, slug), region: { code: region } })),
  );
  return siblings;
}

/** The people who enter the demo's records. */
const staff = seedViewer.staff;
const teller = (region: string, n: number): Viewer => ({ ...staff(region), sub: `teller-${n}-${region}` });
const handler = seedViewer.handler;
const deputyViewer = seedViewer.deputy;

/**
 * Demo data: Yong'an town (永安镇) has a program in every stage; the CLOSED one carries the figures of
 * seed 004 — 79 deputies chose 2 projects (安全饮水, 交通设施完善) from 3 candidates. The bulletin's
 * satisfaction rates, 96.7% and 97.8%, need at least 90 raters (87/90, 88/90); with the 79 deputies
 * of the roll the nearest are 76/79 = 96.2% and 77/79 = 97.5%, which the seed uses (README).
 * Liuyang (county) has one program so that coverage (V-5) spans two levels.
 */
function demoPrograms(year: number): ProgramSeed[] {
  const gov = unit(YONGAN, 'government');
  return [
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
          votes: [72, 3, 3],
          progress: [60, '1380000.00'],
          supervisors: [14, 15, 16],
        },
        {
          title: '饮用水源保护',
          description: '划定水源保护区并建设隔离设施',
          budget: '880000.00',
          unit: gov,
          votes: [66, 6, 6],
          supervisors: [17, 18, 19],
        },
        {
          title: '文化广场建设',
          description: '建设集镇文化广场',
          budget: '1500000.00',
          unit: gov,
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
          votes: [28, 7, 5],
        },
        {
          title: '集镇公厕新建',
          description: '新建公厕3座',
          budget: '450000.00',
          unit: gov,
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
          votes: [37, 1, 1],
          progress: [45, '7900000.00'],
          supervisors: [1, 2, 3],
        },
        {
          title: '城区学校扩容',
          description: '新建、改扩建中小学6所',
          budget: '52000000.00',
          unit: unit(LIUYANG, 'education'),
          votes: [35, 2, 2],
          progress: [30, '14500000.00'],
          supervisors: [4, 5, 6],
        },
        {
          title: '农村饮水安全巩固提升',
          description: '改造供水工程24处',
          budget: '26000000.00',
          unit: unit(LIUYANG, 'water'),
          votes: [33, 3, 3],
          supervisors: [7, 8, 9],
        },
        {
          title: '基层卫生院提质',
          description: '改造乡镇卫生院8所',
          budget: '12000000.00',
          unit: unit(LIUYANG, 'health'),
          votes: [12, 15, 12],
        },
      ],
    },
  ];
}

/**
 * Writes the demo through the service's own write functions, each act by the person who does it on
 * the day it happened (staff open and close, deputies vote and rate one by one, tellers enter and
 * confirm, the lead unit's handler reports progress): the stages, elections, ranks, counters, tallies
 * and events are the write functions' own (an act's transaction is a savepoint of the seed's, and its events
 * are written inside it). One transaction, so the demo is written whole or not at all; only into empty tables.
 */
export async function seedDemo(em: EntityManager, clock: Clock): Promise<void> {
  if ((await em.count(ProgramSchema, {})) > 0) return;
  const year = currentYear(clock);
  const settings = readSettings(process.env);
  await em.transactional(async (tx) => {
    const ctx = seedContext(tx, { siblings: demoSiblings(year), settings, now: clock.now() });
    for (const program of demoPrograms(year)) await seedProgram(ctx, program, year);
  });
}

/** The instant `hours` after `iso`. */
const after = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

async function seedProgram(ctx: SeedContext, p: ProgramSeed, year: number): Promise<void> {
  const programId = demoId(`program:${p.region}:${p.key}`);
  // The ballot opens at 10:00 on the session's first day; the program was opened 60 days before.
  const openedAt = `${sessionDate(year, p.session)}T02:00:00Z`;
  const office = ctx.as(staff(p.region));
  await createProgram(
    office.on(after(openedAt, -60 * 24)),
    {
      regionCode: p.region,
      level: programLevelOf(p.region)!,
      year: p.year,
      sessionId: demoId(`session:${p.region}:${p.session}`),
      title: p.title,
      seats: p.seats,
    },
    undefined,
    { id: programId },
  );
  // Proposals collected by the region's office and entered by its staff (signed in: no anonymous rate limit).
  const proposalIds: string[] = [];
  for (const [i, [title, description, proposer]] of p.proposals.entries()) {
    const proposal = await proposeProject(office.on(after(openedAt, -(50 - i) * 24)), programId, {
      title,
      description,
      proposer,
    });
    proposalIds.push(proposal.id);
  }
  if (p.stage === 'SOLICITING') return;
  await closeSolicitation(office.on(after(openedAt, -10 * 24)), programId);
  if (p.stage === 'SCREENING') return;
  const projectIds = p.candidates.map((_, i) => demoId(`project:${p.region}:${p.key}:${i + 1}`));
  await setCandidates(
    office,
    programId,
    p.candidates.map((c, i) => ({
      title: c.title,
      description: c.description,
      budget: c.budget,
      leadUnitId: c.unit,
      proposalId: proposalIds[i] ?? null,
    })),
    { ids: projectIds },
  );
  const roll = Array.from({ length: p.roll! }, (_, k) => deputy(p.region, k + 1));
  const votes = p.candidates.map((c) => c.votes!);
  const ballotId = demoId(`ballot:${p.region}:${p.key}`);
  await openBallot(office.on(openedAt), programId, roll, null, p.paper ? 'PAPER' : 'ONLINE', { id: ballotId });
  if (p.paper) {
    // V-6: entered by one teller, confirmed by another; turnout is the papers returned; no participation rows.
    const counts = votes.map(([votesFor, votesAgainst, abstentions], i) => ({
      candidateId: projectIds[i]!,
      votesFor,
      votesAgainst,
      abstentions,
    }));
    const enteredAt = after(openedAt, 2);
    const tally = { ballotsIssued: roll.length, ballotsReturned: p.cast!, ballotsVoid: p.paper.void, counts };
    await enterRoomTally(ctx.as(teller(p.region, 1)).on(enteredAt), ballotId, tally);
    const [entry] = await roomEntriesOf(ctx, ballotId);
    await confirmRoomTally(ctx.as(teller(p.region, 2)).on(after(enteredAt, 1 / 6)), ballotId, entry!.id);
  } else {
    // Each deputy casts their own paper while the session sits (participation and counters: `secrecy.ts`).
    for (const [k, choices] of papers(projectIds, votes, p.cast!).entries())
      await castBallot(ctx.as(deputyViewer(p.region, roll[k]!)).on(after(openedAt, 1)), ballotId, choices);
  }
  if (p.stage === 'VOTING') return;
  const closedAt = after(openedAt, 3);
  await closeBallot(office.on(closedAt), ballotId);
  for (const [i, c] of p.candidates.entries()) {
    if (c.supervisors)
      await assignSupervisors(
        office.on(closedAt),
        projectIds[i]!,
        c.supervisors.map((n) => deputy(p.region, n)),
      );
    if (!c.progress) continue;
    const [percent, spent] = c.progress;
    const steps: [number, number][] =
      percent === 100
        ? [
            [40, 0.4],
            [100, 1],
          ]
        : [[percent, 1]];
    for (const [s, [percentComplete, share]] of steps.entries()) {
      const reportedOn = p.year < year ? `${p.year}-${s === 0 ? '06' : '11'}-30` : `${year}-05-31`;
      // Recorded on the day it reports, or when the project was elected if that was later.
      const day = `${reportedOn}T02:00:00Z`;
      await reportProgress(ctx.as(handler(p.region, c.unit)).on(day > closedAt ? day : closedAt), projectIds[i]!, {
        reportedOn,
        percentComplete,
        spent: (Number(spent) * share).toFixed(2),
        note: percentComplete === 100 ? '项目已完工并通过验收' : '按计划推进',
      });
    }
  }
  if (p.stage === 'IMPLEMENTING') return;
  // V-7: rated at this year's first session (the third of the term), after the report is heard.
  const roundAt = `${sessionDate(year, 3)}T06:00:00Z`;
  const roundId = demoId(`evaluation:${p.region}:${p.key}`);
  const sessionId = p.session < 3 ? demoId(`session:${p.region}:3`) : null;
  await openEvaluation(office.on(roundAt), programId, roll, { sessionId }, { id: roundId });
  const rated = p.candidates.flatMap((c, i) => (c.ratings ? [{ projectId: projectIds[i]!, ratings: c.ratings }] : []));
  for (let k = 0; k < p.responses!; k++) {
    const form = rated.map(({ projectId, ratings: [satisfied, basically] }) => ({
      projectId,
      rating: (k < satisfied
        ? 'SATISFIED'
        : k < satisfied + basically
          ? 'BASICALLY_SATISFIED'
          : 'DISSATISFIED') as Satisfaction,
    }));
    await rateProjects(ctx.as(deputyViewer(p.region, roll[k]!)).on(after(roundAt, 1)), roundId, form);
  }
  if (p.stage === 'EVALUATING') return;
  await closeEvaluation(office.on(after(roundAt, 2)), roundId);
}

/**
 * The papers of `voters` deputies giving each candidate its FOR, AGAINST and ABSTAIN totals: the FORs
 * are dealt round the voters one candidate after another, so no paper marks FOR more often than the
 * FORs over all candidates divided by the voters, rounded up (castBallot refuses more than `seats`).
 */
function papers(
  candidateIds: readonly string[],
  votes: readonly [number, number, number][],
  voters: number,
): { candidateId: string; choice: VoteChoice }[][] {
  const papers = Array.from({ length: voters }, () => [] as { candidateId: string; choice: VoteChoice }[]);
  let next = 0;
  candidateIds.forEach((candidateId, i) => {
    const [votesFor, votesAgainst] = votes[i]!;
    const fors = new Set(Array.from({ length: votesFor }, (_, k) => (next + k) % voters));
    next += votesFor;
    let against = 0;
    papers.forEach((paper, v) => {
      const choice: VoteChoice = fors.has(v) ? 'FOR' : against++ < votesAgainst ? 'AGAINST' : 'ABSTAIN';
      paper.push({ candidateId, choice });
    });
  });
  return papers;
}
