import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { demoId } from '@renda/db/ids';
import {
  benchLastDay as lastDay,
  benchTemplateRegions as templateRegions,
  loadFromTemplate,
} from '@renda/server-kit/bench-copies';
import { addDays } from '@renda/server-kit/dates';
import { DirectorySiblings, seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import type { RunningService } from '@renda/server-kit/service';
import { readSettings } from './env.ts';
import { castBallot, closeBallot, openBallot, type VoteChoice } from './modules/ballots/ballots.service.ts';
import { benchTables, programCopySteps } from './modules/bench/bench.store.ts';
import {
  closeEvaluation,
  openEvaluation,
  rateProjects,
  type Satisfaction,
} from './modules/evaluations/evaluations.service.ts';
import { rebuildRollupsLocked, rollupTable } from './modules/federation/stats.store.ts';
import {
  closeSolicitation,
  createProgram,
  proposeProject,
  setCandidates,
} from './modules/programs/programs.service.ts';
import { assignSupervisors, reportProgress } from './modules/projects/projects.service.ts';

const township = templateRegions.TOWNSHIP;
const years = Array.from({ length: 10 }, (_, i) => 2017 + i);
/** Deputies on the rolls, of whom `cast` vote and `responses` rate. */
const roll = 12;
const cast = 10;
const responses = 9;

/** The template township's congress of a year's term (2016-2020, 2021-2025, 2026-2030) and its deputies. */
const termOf = (year: number) => Math.floor((year - 2016) / 5) + 1;
const congressId = (year: number) => demoId(`bench:congress:${township}:${termOf(year)}`);
const deputyId = (year: number, k: number) => demoId(`bench:deputy:${township}:${termOf(year)}:${k}`);
/** Two sessions a year: the first (January) votes on the program, the second (August) hears its report. */
const sessionId = (year: number, n: 1 | 2) => demoId(`bench:session:${township}:${year}:${n}`);
const sessionOpens = (year: number, n: 1 | 2) => `${year}-${n === 1 ? '01-15' : '08-20'}`;
const unitId = demoId(`bench:unit:${township}:government`);

/** What the deputies and supervision subgraphs hold that the write functions check, for the template township. */
function templateSiblings(): DirectorySiblings {
  const siblings = new DirectorySiblings();
  for (const y of years) {
    const congress = { id: congressId(y), region: { code: township } };
    siblings.add(
      'deputies',
      'CongressSession',
      ([1, 2] as const).map((n) => {
        const opensOn = sessionOpens(y, n);
        return { id: sessionId(y, n), opensOn, closesOn: addDays(opensOn, 2), congress };
      }),
    );
    siblings.add(
      'deputies',
      'Deputy',
      Array.from({ length: roll }, (_, k) => ({
        id: deputyId(y, k + 1),
        status: 'ACTIVE',
        congress: { id: congress.id },
      })),
    );
  }
  siblings.add('supervision', 'GovernmentUnit', [{ id: unitId, region: { code: township } }]);
  return siblings;
}

const staff = seedViewer.staff(township);
const handler = seedViewer.handler(township, unitId);
const deputyViewer = (id: string) => seedViewer.deputy(township, id);
const at = (date: string, hour: number) => `${date}T${String(hour).padStart(2, '0')}:00:00Z`;

/**
 * The template, through the service's own write functions, each act on its day by the one who enters it: one
 * livelihood program of the template township a year (2017-2026), opened in November, three proposals, three
 * candidates; the ballot opened at the January session, cast by 10 of the 12 deputies on the roll (two elected,
 * one not), closed; a supervision group and a progress report on the first elected project; the evaluation round
 * at the August session, rated by 9 and closed (but 2026's, after the clock).
 */
async function writeTemplate(ctx: SeedContext): Promise<void> {
  const office = ctx.as(staff);
  const act = (actor: SeedContext, instant: string) => {
    actor.em.clear();
    actor.loaders.clearAll();
    return actor.on(instant);
  };
  for (const y of years) {
    const program = await createProgram(act(office, at(`${y - 1}-11-16`, 2)), {
      regionCode: township,
      level: 'TOWNSHIP',
      year: y,
      sessionId: sessionId(y, 1),
      title: `${y}年民生实事`,
      seats: 2,
    });
    const proposals: string[] = [];
    for (const [i, title] of ['农村安全饮水', '村道硬化', '养老服务站'].entries())
      proposals.push(
        (
          await proposeProject(act(office, at(`${y - 1}-11-2${i}`, 2)), program.id, {
            title,
            description: `${title}项目`,
            proposer: '群众来信',
          })
        ).id,
      );
    await closeSolicitation(act(office, at(`${y}-01-05`, 2)), program.id);
    const projects = [1, 2, 3].map((i) => demoId(`bench:project:${township}:${y}:${i}`));
    await setCandidates(
      act(office, at(`${y}-01-05`, 3)),
      program.id,
      proposals.map((proposalId, i) => ({
        title: `候选项目${i + 1}`,
        description: '实施方案',
        budget: `${(i + 1) * 100000}.00`,
        leadUnitId: unitId,
        proposalId,
      })),
      { ids: projects },
    );
    const rollIds = Array.from({ length: roll }, (_, k) => deputyId(y, k + 1));
    const opens = at(sessionOpens(y, 1), 2);
    const ballot = await openBallot(act(office, opens), program.id, rollIds, null, 'ONLINE');
    // Candidate 1: FOR but the last voter; 2: FOR but the first and the last; 3: FOR from those two (two FORs a paper).
    for (let v = 0; v < cast; v++) {
      const choice = (i: number): VoteChoice =>
        i === 0
          ? v < cast - 1
            ? 'FOR'
            : 'AGAINST'
          : i === 1
            ? v > 0 && v < cast - 1
              ? 'FOR'
              : 'ABSTAIN'
            : v === 0 || v === cast - 1
              ? 'FOR'
              : 'AGAINST';
      await castBallot(
        act(ctx.as(deputyViewer(rollIds[v]!)), at(sessionOpens(y, 1), 3)),
        ballot.id,
        projects.map((candidateId, i) => ({ candidateId, choice: choice(i) })),
      );
    }
    await closeBallot(act(office, at(sessionOpens(y, 1), 5)), ballot.id);
    await assignSupervisors(act(office, at(sessionOpens(y, 1), 6)), projects[0]!, rollIds.slice(0, 2));
    const reportedOn = `${y}-05-31`;
    if (reportedOn <= lastDay)
      await reportProgress(act(ctx.as(handler), at(reportedOn, 2)), projects[0]!, {
        reportedOn,
        percentComplete: 40 + (y % 5) * 10,
        spent: '40000.00',
        note: '按计划推进',
      });
    const roundOn = sessionOpens(y, 2);
    if (roundOn > lastDay) continue;
    const round = await openEvaluation(act(office, at(roundOn, 6)), program.id, rollIds, {
      sessionId: sessionId(y, 2),
    });
    for (let k = 0; k < responses; k++) {
      // Some years rate better than others.
      const rating = (k < 5 + (y % 3) ? 'SATISFIED' : k < 8 ? 'BASICALLY_SATISFIED' : 'DISSATISFIED') as Satisfaction;
      await rateProjects(
        act(ctx.as(deputyViewer(rollIds[k]!)), at(roundOn, 7)),
        round.id,
        projects.slice(0, 2).map((projectId) => ({ projectId, rating })),
      );
    }
    await closeEvaluation(act(office, at(roundOn, 8)), round.id);
  }
}

/**
 * Livelihood programs of the synthetic province (`loadProvinceDomains` in the gateway's benchmark): the
 * template written through the write functions (`writeTemplate`), copied to every township (one program a
 * year, 2017-2026, with its ballot and evaluation round), then deleted, in one transaction; the figures'
 * rollups rebuilt from the copies. Scale-free, as before.
 */
export async function loadProvincePrograms(service: RunningService): Promise<{ programs: number; ballots: number }> {
  const em = service.orm.em.fork() as SqlEntityManager;
  const t = benchTables(em);
  return loadFromTemplate(em, {
    write: (inner) =>
      writeTemplate(
        seedContext(inner, {
          siblings: templateSiblings(),
          settings: readSettings(process.env),
          now: new Date('2016-11-16T02:00:00Z'),
        }),
      ),
    steps: (tx, regions) => programCopySteps(tx, regions, templateRegions.PROVINCE),
    rebuild: () => rebuildRollupsLocked(service.orm.em.fork() as SqlEntityManager),
    analyze: [...Object.values(t), rollupTable(em, 'voting_rollups'), rollupTable(em, 'voting_region_months')],
    count: { programs: t.programs, ballots: t.ballots },
  });
}
