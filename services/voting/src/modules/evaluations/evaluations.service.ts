import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader, groupBy } from '@renda/server-kit/loaders';
import { ProgramSchema } from '../programs/program.entity.ts';
import { findProgram, programLoader } from '../programs/programs.service.ts';
import { moveStage, requireStage } from '../programs/stages.ts';
import { electedOf } from '../projects/projects.service.ts';
import { isUniqueViolation, requireDistinct, requireId } from '../inputs.ts';
import { requireActiveDeputiesOf, requireDeputyViewer } from '../rolls.ts';
import { participated, recordSecretResponse } from '../secrecy.ts';
import { countsTable } from '../secrecy.ts';
import { ProjectSupervisorSchema } from '../projects/project.entity.ts';
import { EvaluationRoundSchema, raterGroups, type EvaluationItem, type EvaluationRound } from './evaluation.entity.ts';
import type { EvaluationGroupTally, RaterGroup } from './evaluation.entity.ts';
import { recordVotingEvent } from '../roll-events.ts';
import * as store from './evaluations.store.ts';

export type Satisfaction = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';

export const roundLoader = (ctx: ServiceContext) =>
  entityLoader<EvaluationRound>(ctx, EvaluationRoundSchema, 'id', isId);

export async function findRound(ctx: ServiceContext, id: string, field = 'roundId'): Promise<EvaluationRound> {
  requireId(id, field);
  const round = await roundLoader(ctx).load(id);
  if (!round) throw notFound('evaluation round', id, field);
  return round;
}

export function roundsOf(ctx: ServiceContext, programId: string): Promise<EvaluationRound[]> {
  return childrenLoader<EvaluationRound>(ctx, EvaluationRoundSchema, 'programId', { openedAt: 'asc', id: 'asc' }).load(
    programId,
  );
}

/** The projects a round rates (written when it opens), by project id. */
export function roundItemsOf(ctx: ServiceContext, roundId: string): Promise<EvaluationItem[]> {
  return ctx.loaders
    .get<string, EvaluationItem[]>('EvaluationItem.by.roundId', async (ids) => {
      const rows = await store.itemRows(ctx.em, ids);
      return groupBy(
        ids,
        rows.map((r) => ({ roundId: r.round_id, projectId: r.project_id })),
        (r) => r.roundId,
      );
    })
    .load(roundId);
}

export function hasResponded(ctx: ServiceContext, roundId: string, deputyId: string): Promise<boolean> {
  return participated(ctx, 'evaluation_participation', 'round_id', roundId, deputyId);
}

/** The round's rater groups, in `raterGroups` order. */
export function ratersOf(round: Pick<EvaluationRound, 'raters'>): RaterGroup[] {
  return round.raters.split(',') as RaterGroup[];
}

/** The counter table of one rater group of a round (the deputies' keeps the name rounds always had). */
export function groupCountsTable(roundId: string, group: RaterGroup): string {
  if (group === 'DEPUTIES') return countsTable('evaluation', roundId);
  return countsTable('evaluation', roundId, group === 'COMMITTEE_MEMBERS' ? 'committee' : 'supervision');
}

export interface RaterOptions {
  raters?: RaterGroup[] | null;
  committeeMemberIds?: string[] | null;
  sessionId?: string | null;
}

interface SiblingSession {
  id: string;
  opensOn: string;
  closesOn: string;
  congress: { id: string } | null;
}

/**
 * V-7: the session that hears the report is a session of the program's congress that opens after the
 * session that held the vote closed (the next session, or a later one). Checked through `_entities`.
 */
async function requireLaterSession(
  ctx: ServiceContext,
  sessionId: string,
  program: { sessionId: string; congressId: string },
): Promise<void> {
  requireId(sessionId, 'sessionId');
  const fields = 'id opensOn closesOn congress { id }';
  const [session, voted] = await Promise.all([
    ctx.siblings.entity<SiblingSession>('deputies', 'CongressSession', { id: sessionId }, fields),
    ctx.siblings.entity<SiblingSession>('deputies', 'CongressSession', { id: program.sessionId }, fields),
  ]);
  if (!session) throw badInput('`sessionId` is not a session known to the deputies service.', 'sessionId');
  if (session.congress?.id !== program.congressId)
    throw badInput("`sessionId` is a session of another congress than the program's.", 'sessionId');
  if (voted && session.opensOn <= voted.closesOn) {
    throw badInput(
      `The round is held at a later session than the vote (which closed on ${voted.closesOn}); ` +
        `this session opens on ${session.opensOn} (V-7).`,
      'sessionId',
    );
  }
}

interface SiblingMember {
  id: string;
  congress: { id: string } | null;
}

/** V-7: committee members named in input are members of the program's congress (one batched `_entities` round). */
async function requireMembersOf(ctx: ServiceContext, ids: readonly string[], congressId: string): Promise<void> {
  ids.forEach((id, i) => requireId(id, `committeeMemberIds[${i}]`));
  requireDistinct(ids, 'committeeMemberIds');
  const found = await Promise.all(
    ids.map((id) => ctx.siblings.entity<SiblingMember>('deputies', 'CommitteeMember', { id }, 'id congress { id }')),
  );
  found.forEach((member, i) => {
    const field = `committeeMemberIds[${i}]`;
    if (!member) throw badInput(`${field} is not a known committee member.`, field);
    if (member.congress?.id !== congressId)
      throw badInput(`${field} is a member of another congress than the program's.`, field);
  });
}

/**
 * V-1, V-4, V-7: staff open the 满意度测评 of an IMPLEMENTING program; the program moves to EVALUATING.
 * The raters are one or more groups: DEPUTIES (the roll given), COMMITTEE_MEMBERS (members of the
 * program's congress) and SUPERVISION_GROUP (the deputies of the supervision groups of the program's
 * projects; with DEPUTIES also rating, such a deputy rates in the supervision group, once). Each group
 * counts in a table of its own, tallied apart and summed at close. `internal.id`: the demo seed's stable id
 * (never from a request).
 */
export async function openEvaluation(
  ctx: ServiceContext,
  programId: string,
  rollDeputyIds: string[],
  options: RaterOptions = {},
  internal: { id?: string } = {},
): Promise<EvaluationRound> {
  const program = await findProgram(ctx, programId);
  requireWriteIn(ctx.viewer, program.regionCode, 'open evaluations');
  requireStage(program, 'IMPLEMENTING', 'open an evaluation');
  const projects = await electedOf(ctx, program.id);
  const asked = options.raters ?? ['DEPUTIES'];
  if (!asked.length) throw badInput('Name at least one rater group.', 'raters');
  requireDistinct(asked, 'raters');
  const raters = raterGroups.filter((g) => asked.includes(g));
  const memberIds = options.committeeMemberIds ?? [];
  if (raters.includes('DEPUTIES')) {
    if (!rollDeputyIds.length)
      throw badInput('The roll lists the deputies entitled to rate; it is empty.', 'rollDeputyIds');
  } else if (rollDeputyIds.length) {
    throw badInput('DEPUTIES are not among the raters: leave the roll of deputies empty.', 'rollDeputyIds');
  }
  if (rollDeputyIds.length > 5000) throw badInput('A roll has at most 5000 deputies.', 'rollDeputyIds');
  rollDeputyIds.forEach((id, i) => requireId(id, `rollDeputyIds[${i}]`));
  requireDistinct(rollDeputyIds, 'rollDeputyIds');
  if (raters.includes('COMMITTEE_MEMBERS')) {
    if (!memberIds.length)
      throw badInput('COMMITTEE_MEMBERS rate: list the members in `committeeMemberIds`.', 'committeeMemberIds');
    if (memberIds.length > 500) throw badInput('At most 500 committee members.', 'committeeMemberIds');
  } else if (memberIds.length) {
    throw badInput(
      'COMMITTEE_MEMBERS are not among the raters: leave `committeeMemberIds` empty.',
      'committeeMemberIds',
    );
  }
  if (options.sessionId != null) await requireLaterSession(ctx, options.sessionId, program);
  if (rollDeputyIds.length) await requireActiveDeputiesOf(ctx, rollDeputyIds, program.congressId, 'rollDeputyIds');
  if (memberIds.length) await requireMembersOf(ctx, memberIds, program.congressId);
  let group: string[] = [];
  if (raters.includes('SUPERVISION_GROUP')) {
    const links = projects.length
      ? await ctx.em.find(ProjectSupervisorSchema, { projectId: { $in: projects.map((p) => p.id) } })
      : [];
    group = [...new Set(links.map((l) => l.deputyId))].sort();
    if (!group.length)
      throw badInput("The program's projects have no supervision group yet (assignSupervisors).", 'raters');
  }
  const inGroup = new Set(group);
  const roll: [string, 'DEPUTIES' | 'SUPERVISION_GROUP'][] = [
    ...rollDeputyIds.filter((d) => !inGroup.has(d)).map((d) => [d, 'DEPUTIES'] as [string, 'DEPUTIES']),
    ...group.map((d) => [d, 'SUPERVISION_GROUP'] as [string, 'SUPERVISION_GROUP']),
  ];
  const id = internal.id ?? newId();
  try {
    await ctx.em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      await moveStage(tx, current, 'EVALUATING');
      await store.insertRound(tx, {
        id,
        programId: program.id,
        regionCode: program.regionCode,
        year: program.year,
        rollSize: roll.length + memberIds.length,
        openedAt: ctx.clock.now(),
        sessionId: options.sessionId ?? null,
        raters: raters.join(','),
      });
      for (let i = 0; i < roll.length; i += 1000) {
        await store.insertRoll(tx, id, roll.slice(i, i + 1000));
      }
      if (memberIds.length) await store.insertMemberRoll(tx, id, memberIds);
      if (projects.length)
        await store.insertItems(
          tx,
          id,
          projects.map((p) => p.id),
        );
      // The round's own counters, one table per rater group: dropped at close, so no superseded row of
      // them outlives the round.
      for (const g of raters) {
        await store.createCounts(
          tx,
          groupCountsTable(id, g),
          projects.map((p) => p.id),
        );
      }
      await recordVotingEvent(ctx, tx, {
        type: 'satisfaction-round.opened',
        aggregateType: 'satisfaction-round',
        aggregateId: id,
        regionCode: program.regionCode,
        roll: roll.map(([d]) => d),
        data: {
          programId: program.id,
          programTitle: program.title,
          raters,
          rollSize: roll.length + memberIds.length,
          projectIds: projects.map((p) => p.id),
          sessionId: options.sessionId ?? null,
        },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('An evaluation round of this program is already open.');
    throw e;
  }
  return reloadRound(ctx, id);
}

async function reloadRound(ctx: ServiceContext, id: string): Promise<EvaluationRound> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return (await roundLoader(ctx).load(id))!;
}

/** Turns the form into one increment per project; every elected project is rated exactly once. */
export function ratingForm(
  ratings: readonly { projectId: string; rating: Satisfaction }[],
  tallies: readonly Pick<EvaluationItem, 'projectId'>[],
): [number, number, number][] {
  const rated = new Set(tallies.map((t) => t.projectId));
  const marks = new Map<string, Satisfaction>();
  ratings.forEach((r, i) => {
    requireId(r.projectId, `ratings[${i}].projectId`);
    if (!rated.has(r.projectId))
      throw badInput(`ratings[${i}] names a project that is not rated in this round.`, `ratings[${i}].projectId`);
    if (marks.has(r.projectId))
      throw badInput(`ratings[${i}] rates a project a second time.`, `ratings[${i}].projectId`);
    marks.set(r.projectId, r.rating);
  });
  if (marks.size !== tallies.length)
    throw badInput(`Rate every one of the ${tallies.length} projects once.`, 'ratings');
  return tallies.map((t) => {
    const rating = marks.get(t.projectId)!;
    return [
      rating === 'SATISFIED' ? 1 : 0,
      rating === 'BASICALLY_SATISFIED' ? 1 : 0,
      rating === 'DISSATISFIED' ? 1 : 0,
    ];
  });
}

/**
 * V-7: who is rating, and in which group: a DEPUTY on the roll (DEPUTIES or SUPERVISION_GROUP), or a
 * COMMITTEE_MEMBER on the members' roll. Anyone else is FORBIDDEN.
 */
async function requireRater(
  ctx: ServiceContext,
  round: EvaluationRound,
): Promise<{ raterId: string; group: RaterGroup }> {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated('Only a rater on the roll may rate projects, from their own token: sign in.');
  if (viewer.role === 'COMMITTEE_MEMBER' && viewer.member) {
    if (!(await store.isOnMemberRoll(ctx.em, round.id, viewer.member)))
      throw forbidden('You are not among the raters of this evaluation round.');
    return { raterId: viewer.member, group: 'COMMITTEE_MEMBERS' };
  }
  const deputyId = requireDeputyViewer(ctx, 'rate projects');
  const group = await store.rollGroupOf(ctx.em, round.id, deputyId);
  if (!group) throw forbidden('You are not on the roll of this evaluation round.');
  return { raterId: deputyId, group };
}

/** V-4, V-7: one anonymous response per rater on the roll; same design as the ballot (participation + counters). */
export async function rateProjects(
  ctx: ServiceContext,
  roundId: string,
  ratings: { projectId: string; rating: Satisfaction }[],
): Promise<EvaluationRound> {
  if (ctx.viewer && ctx.viewer.role !== 'DEPUTY' && ctx.viewer.role !== 'COMMITTEE_MEMBER')
    requireDeputyViewer(ctx, 'rate projects');
  const round = await findRound(ctx, roundId);
  const { raterId, group } = await requireRater(ctx, round);
  if (round.status !== 'OPEN') throw conflict('This evaluation round is closed; no more responses are accepted.');
  const tallies = await roundItemsOf(ctx, round.id);
  const form = ratingForm(ratings, tallies);
  await recordSecretResponse(ctx, {
    what: 'response',
    parent: { table: 'evaluation_rounds', counter: 'responses', id: round.id },
    participation:
      group === 'COMMITTEE_MEMBERS'
        ? { table: 'evaluation_member_participation', parentColumn: 'round_id', raterColumn: 'member_id' }
        : { table: 'evaluation_participation', parentColumn: 'round_id' },
    counts: {
      table: groupCountsTable(round.id, group),
      keyColumn: 'project_id',
      counters: ['satisfied', 'basically_satisfied', 'dissatisfied'],
    },
    deputyId: raterId,
    increments: tallies.map((t, i) => [t.projectId, ...form[i]!] as const),
    closedMessage: 'This evaluation round closed before your response arrived; it was not counted.',
    duplicateMessage: 'You have already responded in this round; each rater on the roll responds once.',
  });
  return reloadRound(ctx, round.id);
}

/**
 * V-4: closes the round in one transaction: the round turns CLOSED (waiting for a response in flight,
 * refusing later ones), each project's totals are inserted once into `evaluation_tallies` from the
 * round's own counter table, which is then dropped (with every superseded version of its rows); the
 * program is CLOSED.
 */
export async function closeEvaluation(ctx: ServiceContext, roundId: string): Promise<EvaluationRound> {
  const round = await findRound(ctx, roundId);
  const program = (await programLoader(ctx).load(round.programId))!;
  requireWriteIn(ctx.viewer, program.regionCode, 'close evaluations');
  if (round.status !== 'OPEN') throw conflict('This evaluation round is already closed.');
  const tables = ratersOf(round).map((g) => [g, groupCountsTable(round.id, g)] as const);
  await ctx.em.transactional(async (tx) => {
    const closed = await store.closeRoundRow(tx, round.id, ctx.clock.now());
    if (closed !== 1) throw conflict('This evaluation round is already closed.');
    // V-7: each group's totals, then their sum (the project's satisfaction), each row inserted once.
    for (const [group, table] of tables) await store.insertGroupTallies(tx, round.id, group, table);
    await store.insertTallies(
      tx,
      round.id,
      tables.map(([, t]) => t),
    );
    for (const [, table] of tables) await store.dropCounts(tx, table);
    const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
    await moveStage(tx, current, 'CLOSED');
    const roll = await store.rollOf(tx, round.id);
    await recordVotingEvent(ctx, tx, {
      type: 'satisfaction-round.closed',
      aggregateType: 'satisfaction-round',
      aggregateId: round.id,
      regionCode: program.regionCode,
      roll,
      data: { programId: program.id, programTitle: program.title, raters: ratersOf(round), rollSize: round.rollSize },
    });
  });
  return reloadRound(ctx, round.id);
}

/** V-7: per project and rater group, in project order then group order (batched per request). */
export function groupTalliesOf(ctx: ServiceContext, roundId: string): Promise<EvaluationGroupTally[]> {
  return ctx.loaders
    .get<string, EvaluationGroupTally[]>('EvaluationGroupTally.by.roundId', async (ids) => {
      const rows = await store.groupTallyRows(ctx.em, ids);
      const mapped = rows.map((r) => ({
        roundId: r.round_id,
        projectId: r.project_id,
        raterGroup: r.rater_group,
        satisfied: r.satisfied,
        basicallySatisfied: r.basically_satisfied,
        dissatisfied: r.dissatisfied,
      }));
      return groupBy(ids, mapped, (r) => r.roundId);
    })
    .load(roundId);
}

/** V-7: raters entitled to respond, per group of the round. */
export async function rollSizesOf(
  ctx: ServiceContext,
  round: EvaluationRound,
): Promise<{ raters: RaterGroup; rollSize: number }[]> {
  const rows = await store.rollSizeRows(ctx.em, round.id);
  const sizes = new Map(rows.map((r) => [r.rater_group, r.n]));
  return ratersOf(round).map((g) => ({ raters: g, rollSize: sizes.get(g) ?? 0 }));
}

/** Whether the bearer (a deputy or a committee member) has responded in a round. */
export async function viewerHasResponded(ctx: ServiceContext, roundId: string): Promise<boolean> {
  const viewer = ctx.viewer;
  if (viewer?.role === 'DEPUTY' && viewer.deputy) return hasResponded(ctx, roundId, viewer.deputy);
  if (viewer?.role === 'COMMITTEE_MEMBER' && viewer.member) {
    return store.memberResponded(ctx.em, roundId, viewer.member);
  }
  return false;
}
