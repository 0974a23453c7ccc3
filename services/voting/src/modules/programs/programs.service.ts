import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, notFound, rateLimited } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import {
  listQuery,
  nestedConnection,
  nestedList,
  type Connection,
  type NestedQuery,
  type SortKey,
} from '@renda/server-kit/pagination';
import { regionLevelOf, requireRegionCode, requireText, requireYear } from '@renda/server-kit/validate';
import { votingRulesIn, type VotingRules } from '../../env.ts';
import { ProjectSchema, type Project } from '../projects/project.entity.ts';
import { isUniqueViolation, requireId, requireMoney } from '../inputs.ts';
import { ProgramSchema, ProposalSchema, type Program, type ProgramLevel, type Proposal } from './program.entity.ts';
import * as store from './programs.store.ts';
import { moveStage, requireStage } from './stages.ts';

export const programLoader = (ctx: ServiceContext) => entityLoader<Program>(ctx, ProgramSchema, 'id', isId);

export async function findProgram(ctx: ServiceContext, id: string, field = 'programId'): Promise<Program> {
  requireId(id, field);
  const program = await programLoader(ctx).load(id);
  if (!program) throw notFound('livelihood program', id, field);
  return program;
}

/** D-1: the program level a region code's length gives (provinces run no program). */
export function programLevelOf(code: string): ProgramLevel | null {
  const level = regionLevelOf(code);
  return level === 'TOWNSHIP' || level === 'COUNTY' || level === 'CITY' ? level : null;
}

/** V-2: a program's seats, at least 1 and within the local range for its level. */
export function requireSeats(level: ProgramLevel, seats: number, rules: VotingRules, field: string): void {
  const [min, max] = rules.seats[level];
  if (!Number.isInteger(seats) || seats < 1) throw badInput('`seats` must be a whole number of at least 1.', field);
  if (seats < min || seats > max)
    throw badInput(`A ${level} program elects ${min} to ${max} projects here (V-2, a local setting).`, field);
}

interface SiblingSession {
  id: string;
  opensOn: string;
  congress: { id: string; region: { code: string } } | null;
}

export interface CreateProgramInput {
  regionCode: string;
  level: ProgramLevel;
  year: number;
  sessionId: string;
  title: string;
  seats: number;
}

/**
 * V-1, V-2: staff of the region open a program in SOLICITING for a session of the region's congress.
 * `internal.id`: the demo seed's stable id (never from a request).
 */
export async function createProgram(
  ctx: ServiceContext,
  input: CreateProgramInput,
  rules: VotingRules = votingRulesIn(ctx),
  internal: { id?: string } = {},
): Promise<Program> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  const level = programLevelOf(regionCode);
  if (!level)
    throw badInput('Programs are run by township (9 digits), county (6) or city (4) congresses.', 'input.regionCode');
  if (level !== input.level)
    throw badInput(
      `A ${regionCode.length}-digit region code is a ${level} program, not ${input.level}.`,
      'input.level',
    );
  requireWriteIn(ctx.viewer, regionCode, 'create livelihood programs');
  const year = requireYear(input.year, 'input.year');
  const title = requireText(input.title, 'input.title', 200);
  requireSeats(level, input.seats, rules, 'input.seats');
  requireId(input.sessionId, 'input.sessionId');
  const session = await ctx.siblings.entity<SiblingSession>(
    'deputies',
    'CongressSession',
    { id: input.sessionId },
    'id opensOn congress { id region { code } }',
  );
  if (!session?.congress) throw badInput('No congress session with this id.', 'input.sessionId');
  if (session.congress.region.code !== regionCode)
    throw badInput(
      `The session belongs to the congress of region ${session.congress.region.code}, not ${regionCode}.`,
      'input.sessionId',
    );
  if (Number(session.opensOn.slice(0, 4)) !== year)
    throw badInput(
      `The session opens in ${session.opensOn.slice(0, 4)}: the program's year must be that year.`,
      'input.year',
    );
  const program = ctx.em.create(ProgramSchema, {
    id: internal.id ?? newId(),
    regionCode,
    level,
    year,
    sessionId: session.id,
    congressId: session.congress.id,
    title,
    seats: input.seats,
    stage: 'SOLICITING',
    createdAt: ctx.clock.now(),
  });
  await ctx.em.flush();
  return program;
}

/**
 * V-1 征集: anyone may propose while the program is SOLICITING, with or without a token. Anonymous
 * senders are limited per client address: in Redis (shared by every copy of the service) when
 * configured, in memory otherwise or while Redis is down.
 */
export async function proposeProject(
  ctx: ServiceContext,
  programId: string,
  input: { title: string; description: string; proposer: string },
  rules: VotingRules = votingRulesIn(ctx),
): Promise<Proposal> {
  const program = await findProgram(ctx, programId);
  const title = requireText(input.title, 'input.title', 200);
  const description = requireText(input.description, 'input.description', 4000);
  const proposer = requireText(input.proposer, 'input.proposer', 200);
  requireStage(program, 'SOLICITING', 'propose projects');
  if (!ctx.viewer) {
    const limit = ctx.cache.rateLimiter({ name: 'propose', points: rules.proposalsPerMinute, durationSeconds: 60 });
    const verdict = await limit.consume(ctx.clientAddress);
    if (!verdict.allowed) {
      const wait = verdict.retryAfterSeconds;
      const rule = `At most ${rules.proposalsPerMinute} proposals a minute may be sent without a token`;
      throw rateLimited(`${rule}; send it again in ${wait} s.`, wait);
    }
  }
  const proposal = ctx.em.create(ProposalSchema, {
    id: newId(),
    programId: program.id,
    regionCode: program.regionCode,
    title,
    description,
    proposer,
    proposedAt: ctx.clock.now(),
  });
  await ctx.em.flush();
  return proposal;
}

export async function closeSolicitation(ctx: ServiceContext, programId: string): Promise<Program> {
  const program = await findProgram(ctx, programId);
  requireWriteIn(ctx.viewer, program.regionCode, 'close solicitation');
  await moveStage(ctx.em, program, 'SCREENING');
  return reloadProgram(ctx, program.id);
}

export async function reloadProgram(ctx: ServiceContext, id: string): Promise<Program> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return (await programLoader(ctx).load(id))!;
}

export interface CandidateInput {
  title: string;
  description: string;
  budget: string;
  leadUnitId: string;
  proposalId?: string | null;
}

interface SiblingUnit {
  id: string;
  region: { code: string } | null;
}

/**
 * V-2 审议: replaces the candidate list of a program in SCREENING. There must be more candidates
 * than seats (差额); each has a budget over 0 and a lead unit of the region (or above it).
 * `internal.ids`: the demo seed's stable ids of the candidates, in list order (never from a request).
 */
export async function setCandidates(
  ctx: ServiceContext,
  programId: string,
  candidates: CandidateInput[],
  internal: { ids?: readonly string[] } = {},
): Promise<Program> {
  const program = await findProgram(ctx, programId);
  requireWriteIn(ctx.viewer, program.regionCode, 'set candidates');
  requireStage(program, 'SCREENING', 'set candidates');
  if (candidates.length <= program.seats) {
    throw badInput(
      `There must be more candidates than seats (差额): ${program.seats} seats need at least ${program.seats + 1} candidates.`,
      'candidates',
    );
  }
  if (candidates.length > 100) throw badInput('At most 100 candidates.', 'candidates');
  const rows = candidates.map((c, i) => ({
    title: requireText(c.title, `candidates[${i}].title`, 200),
    description: requireText(c.description, `candidates[${i}].description`, 4000),
    budget: requireMoney(c.budget, `candidates[${i}].budget`, true),
    leadUnitId: requireId(c.leadUnitId, `candidates[${i}].leadUnitId`),
    proposalId: c.proposalId ? requireId(c.proposalId, `candidates[${i}].proposalId`) : null,
  }));
  const seenProposals = new Set<string>();
  rows.forEach((r, i) => {
    if (!r.proposalId) return;
    if (seenProposals.has(r.proposalId))
      throw badInput(
        `candidates[${i}].proposalId names a proposal an earlier candidate already came from.`,
        `candidates[${i}].proposalId`,
      );
    seenProposals.add(r.proposalId);
  });
  const proposalIds = [...seenProposals];
  const proposals = proposalIds.length
    ? await ctx.em.find(ProposalSchema, { id: { $in: proposalIds }, programId: program.id, withdrawnAt: null })
    : [];
  const known = new Set(proposals.map((p) => p.id));
  rows.forEach((r, i) => {
    if (r.proposalId && !known.has(r.proposalId))
      throw badInput(`candidates[${i}].proposalId is not a proposal of this program.`, `candidates[${i}].proposalId`);
  });
  const units = await Promise.all(
    rows.map((r) =>
      ctx.siblings.entity<SiblingUnit>('supervision', 'GovernmentUnit', { id: r.leadUnitId }, 'id region { code }'),
    ),
  );
  units.forEach((unit, i) => {
    if (!unit?.region)
      throw badInput(`candidates[${i}].leadUnitId is not a known government unit.`, `candidates[${i}].leadUnitId`);
    const code = unit.region.code;
    if (!program.regionCode.startsWith(code) && !code.startsWith(program.regionCode)) {
      throw badInput(
        `candidates[${i}].leadUnitId is a unit of region ${code}, outside region ${program.regionCode}.`,
        `candidates[${i}].leadUnitId`,
      );
    }
  });
  try {
    await ctx.em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      requireStage(current, 'SCREENING', 'set candidates');
      await tx.nativeDelete(ProjectSchema, { programId: program.id });
      rows.forEach((r, i) =>
        tx.create(ProjectSchema, {
          id: internal.ids?.[i] ?? newId(),
          programId: program.id,
          regionCode: program.regionCode,
          year: program.year,
          position: i + 1,
          ...r,
          status: 'CANDIDATE',
          rank: null,
          percentComplete: 0,
        }),
      );
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw badInput('A proposal may become one candidate only.', 'candidates');
    throw e;
  }
  return reloadProgram(ctx, program.id);
}

/** Programs newest year first, then by region: the order of every program list. */
const programOrder: readonly SortKey<Program>[] = [
  { prop: 'year', kind: 'int', dir: 'desc', column: 'r.year' },
  { prop: 'regionCode', kind: 'code', column: 'r.region_code' },
  { prop: 'id', kind: 'id', column: 'r.id' },
];

const programs = listQuery({
  entity: ProgramSchema,
  order: programOrder,
  connectionField: 'programsConnection',
  where: (
    _ctx: ServiceContext,
    regionCode: string,
    year: number | null | undefined,
    level: ProgramLevel | null | undefined,
  ) => {
    const code = requireRegionCode(regionCode, 'regionCode');
    const where: Record<string, unknown> = { regionCode: { $like: `${code}%` } };
    if (year !== null && year !== undefined) where.year = requireYear(year);
    if (level) where.level = level;
    return where;
  },
});
export const listPrograms = programs.list;
export const programsConnection = programs.page;

/**
 * Region.programs: the programs of many subtrees at once, the year filtered in SQL; a region code of
 * the wrong shape has none. The subtrees of a request are a `union all` of index range scans over the
 * code prefixes (`programs_region_code_prefix`), paged together.
 */
function subtreePrograms(ctx: ServiceContext, year: number | null | undefined): NestedQuery<Program> {
  if (year !== null && year !== undefined) requireYear(year);
  const y = year ?? null;
  return {
    name: `Region.programs.${year ?? 'all'}`,
    entity: ProgramSchema,
    order: programOrder,
    parent: 'r.subtree',
    query: (knex, codes) =>
      store.subtreeProgramsQuery(
        ctx.em,
        knex,
        codes.filter((c) => regionLevelOf(c)),
        y,
      ),
  };
}

export function programsOfSubtree(
  ctx: ServiceContext,
  code: string,
  year: number | null | undefined,
): Promise<Program[]> {
  return nestedList(ctx, subtreePrograms(ctx, year), code, 'Region.programsConnection');
}

export function programsOfSubtreeConnection(
  ctx: ServiceContext,
  code: string,
  year: number | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Program>> {
  return nestedConnection(ctx, subtreePrograms(ctx, year), code, first, after);
}

export function programsOfSession(ctx: ServiceContext, sessionId: string): Promise<Program[]> {
  return ctx.loaders
    .get<string, Program[]>('CongressSession.livelihoodPrograms', async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length
        ? await ctx.em.find(ProgramSchema, { sessionId: { $in: valid } }, { orderBy: { id: 'asc' } })
        : [];
      return groupBy(ids, rows, (r) => r.sessionId);
    })
    .load(sessionId);
}

export function proposalsOf(ctx: ServiceContext, programId: string): Promise<Proposal[]> {
  return ctx.loaders
    .get<string, Proposal[]>('Program.proposals', async (ids) => {
      const rows = await ctx.em.find(
        ProposalSchema,
        { programId: { $in: [...ids] }, withdrawnAt: null },
        { orderBy: { proposedAt: 'asc', id: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.programId);
    })
    .load(programId);
}

/** The candidate a proposal became, if any. */
export function candidateOfProposal(ctx: ServiceContext, proposalId: string): Promise<Project | null> {
  return entityLoader<Project>(ctx, ProjectSchema, 'proposalId', isId).load(proposalId);
}
