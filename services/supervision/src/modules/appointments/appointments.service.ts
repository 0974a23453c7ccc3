import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { today } from '@renda/server-kit/dates';
import { entityLoader } from '@renda/server-kit/loaders';
import { optionalText, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { settingsOf, type SupervisionSettings } from '../../env.ts';
import { listScope } from '../common/access.ts';
import { maxHeadcount } from '../common/tally.ts';
import { requireNotFuture } from '../common/dates.ts';
import { requireTransition, type Transitions } from '../common/transitions.ts';
import { OfficialSchema } from '../units/unit.entity.ts';
import { requireOfficial, requireUnit } from '../units/units.service.ts';
import {
  AppointmentMotionSchema,
  type AppointmentKind,
  type AppointmentMotion,
  type MotionStatus,
} from './motion.entity.ts';

/**
 * G-6 as explicit tables. An APPOINT motion goes to the legal-knowledge exam (任前法律知识考试),
 * then to the vote, then to the oath; a failed exam ends it. A REMOVE motion has no exam (the exam
 * is for nominees before appointment) and no oath: it goes straight to the vote.
 */
export const motionTransitions: Record<AppointmentKind, Transitions<MotionStatus>> = {
  APPOINT: {
    SUBMITTED: ['EXAM_PASSED', 'EXAM_FAILED'],
    EXAM_PASSED: ['APPROVED', 'REJECTED'],
    EXAM_FAILED: [],
    APPROVED: ['SWORN_IN'],
    REJECTED: [],
    SWORN_IN: [],
  },
  REMOVE: {
    SUBMITTED: ['APPROVED', 'REJECTED'],
    EXAM_PASSED: [],
    EXAM_FAILED: [],
    APPROVED: [],
    REJECTED: [],
    SWORN_IN: [],
  },
};

export const motionLoader = (ctx: ServiceContext) =>
  entityLoader<AppointmentMotion>(ctx, AppointmentMotionSchema, 'id', isId);

async function findMotion(ctx: ServiceContext, id: string): Promise<AppointmentMotion> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'motionId');
  const motion = await ctx.em.findOne(AppointmentMotionSchema, { id });
  if (!motion) throw notFound('appointment motion', id, 'motionId');
  return motion;
}

const describe = (m: AppointmentMotion) => `The ${m.kind} motion for ${m.nomineeName}`;

export interface SubmitMotionInput {
  kind: AppointmentKind;
  nomineeName: string;
  position: string;
  unitId: string;
  submittedBy: string;
  submittedOn: string;
  officialId?: string | null;
}

/** G-6: the government submits a motion with materials; a REMOVE motion names the official. */
export async function submitMotion(ctx: ServiceContext, input: SubmitMotionInput): Promise<AppointmentMotion> {
  const unit = await requireUnit(ctx, input.unitId, 'input.unitId');
  requireWriteIn(ctx.viewer, unit.regionCode, 'submit appointment motions');
  const nomineeName = requireText(input.nomineeName, 'input.nomineeName', 100);
  const position = requireText(input.position, 'input.position', 200);
  const submittedBy = requireText(input.submittedBy, 'input.submittedBy', 200);
  requireNotFuture(ctx, input.submittedOn, 'input.submittedOn');
  let officialId: string | null = null;
  if (input.kind === 'REMOVE') {
    if (!input.officialId)
      throw badInput('A REMOVE motion names the official to remove (`officialId`).', 'input.officialId');
    const official = await requireOfficial(ctx, input.officialId, 'input.officialId');
    if (official.unitId !== unit.id)
      throw badInput(`${official.name} is not an official of ${unit.name}.`, 'input.officialId');
    if (official.status === 'REMOVED') throw badInput(`${official.name} has already been removed.`, 'input.officialId');
    const pending = await ctx.em.count(AppointmentMotionSchema, {
      kind: 'REMOVE',
      officialId: official.id,
      status: 'SUBMITTED',
    });
    if (pending > 0) throw conflict(`A motion to remove ${official.name} is already before the committee.`);
    officialId = official.id;
  } else if (input.officialId) {
    throw badInput('An APPOINT motion names no official: the approval creates one.', 'input.officialId');
  }
  const motion = ctx.em.create(AppointmentMotionSchema, {
    id: newId(),
    kind: input.kind,
    unitId: unit.id,
    regionCode: unit.regionCode,
    nomineeName,
    position,
    submittedBy,
    submittedOn: input.submittedOn,
    status: 'SUBMITTED',
    examScore: null,
    examPassed: null,
    statement: null,
    votesFor: null,
    votesAgainst: null,
    abstentions: null,
    membersTotal: null,
    votedOn: null,
    swornInOn: null,
    officialId,
  });
  await ctx.em.flush();
  return motion;
}

/**
 * G-6 任前法律知识考试 passed, the one definition: a score at or above the pass mark in force (EXAM_PASS_SCORE,
 * a local setting; 60 by default). Evaluated when the exam is recorded (`recordExam`) and stored as
 * `exam_passed` beside the motion's status: the figures (`supervisionStats`, `supervisionFigures`) count the
 * stored verdicts, so a later change of the pass mark does not rewrite past exams.
 */
export function passesExam(score: number, settings: Pick<SupervisionSettings, 'examPassScore'>): boolean {
  return score >= settings.examPassScore;
}

/** G-6: 任前法律知识考试; the pass mark passes (`passesExam`); a failed exam blocks the motion. */
export async function recordExam(
  ctx: ServiceContext,
  motionId: string,
  score: number,
  statement: string | null | undefined,
): Promise<AppointmentMotion> {
  const motion = await findMotion(ctx, motionId);
  requireWriteIn(ctx.viewer, motion.regionCode, 'record exams');
  if (!Number.isFinite(score) || score < 0 || score > 100) throw badInput('`score` is between 0 and 100.', 'score');
  const text = optionalText(statement, 'statement', 8000);
  const passed = passesExam(score, settingsOf(ctx));
  const to: MotionStatus = passed ? 'EXAM_PASSED' : 'EXAM_FAILED';
  if (motion.kind === 'REMOVE')
    throw conflict(
      'A REMOVE motion has no legal-knowledge exam: the exam is for nominees before appointment. Record the vote.',
    );
  requireTransition(motionTransitions[motion.kind], motion.status, to, describe(motion));
  motion.examScore = score;
  motion.examPassed = passed;
  motion.statement = text;
  motion.status = to;
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return motion;
}

export interface VoteTally {
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
  membersTotal: number;
  votedOn?: string | null;
}

interface SiblingRegion {
  code: string;
  currentCongress: { id: string; name: string; committeeMemberCount: number } | null;
}

/**
 * G-6: "all members" is the standing committee of the region's congress in office on the day of the
 * vote, as the deputies service knows it (`Region.currentCongress(on:)`, `Congress.committeeMemberCount`,
 * read through `_entities`). `membersTotal` must equal it; BAD_USER_INPUT otherwise, also when the
 * deputies service knows no such congress or no members of it (register them there first).
 */
async function requireCommitteeSize(
  ctx: ServiceContext,
  regionCode: string,
  votedOn: string,
  membersTotal: number,
): Promise<void> {
  // The date goes into the selection's text: only a date shape may (the Date scalar already checked it).
  if (!/^\d{4}-\d{2}-\d{2}$/.test(votedOn)) throw badInput('`input.votedOn` must be a date.', 'input.votedOn');
  const region = await ctx.siblings.entity<SiblingRegion>(
    'deputies',
    'Region',
    { code: regionCode },
    `code currentCongress(on: "${votedOn}") { id name committeeMemberCount }`,
  );
  const congress = region?.currentCongress;
  if (!congress) {
    throw badInput(
      `The deputies service knows no congress of region ${regionCode} in office on ${votedOn}: ` +
        'its standing committee cannot be counted.',
      'input.membersTotal',
    );
  }
  if (congress.committeeMemberCount === 0) {
    throw badInput(
      `No standing-committee members of ${congress.name} are registered in the deputies service; ` +
        'register them (createCommitteeMember) first.',
      'input.membersTotal',
    );
  }
  if (membersTotal !== congress.committeeMemberCount) {
    throw badInput(
      `The standing committee of ${congress.name} has ${congress.committeeMemberCount} members ` +
        `(deputies service), not ${membersTotal}.`,
      'input.membersTotal',
    );
  }
}

/** G-6 (law): approval needs FOR from more than half of ALL members, not of those voting. */
export function isApproved(t: Pick<VoteTally, 'votesFor' | 'membersTotal'>): boolean {
  return t.votesFor * 2 > t.membersTotal;
}

/**
 * G-6: the committee's vote. An APPROVED APPOINT motion creates the official (APPOINTED); an
 * APPROVED REMOVE motion removes the official it names. One transaction.
 */
export async function recordMotionVote(
  ctx: ServiceContext,
  motionId: string,
  input: VoteTally,
): Promise<AppointmentMotion> {
  const motion = await findMotion(ctx, motionId);
  requireWriteIn(ctx.viewer, motion.regionCode, 'record votes');
  for (const key of ['votesFor', 'votesAgainst', 'abstentions'] as const) {
    if (!Number.isInteger(input[key]) || input[key] < 0 || input[key] > maxHeadcount) {
      throw badInput(`\`input.${key}\` must be a whole number from 0 to ${maxHeadcount}.`, `input.${key}`);
    }
  }
  if (!Number.isInteger(input.membersTotal) || input.membersTotal < 1 || input.membersTotal > maxHeadcount) {
    throw badInput(`\`input.membersTotal\` must be a whole number from 1 to ${maxHeadcount}.`, 'input.membersTotal');
  }
  const cast = input.votesFor + input.votesAgainst + input.abstentions;
  if (cast > input.membersTotal) {
    throw badInput(
      `${cast} votes (for + against + abstentions) exceed the ${input.membersTotal} members of the committee.`,
      'input.membersTotal',
    );
  }
  const votedOn = input.votedOn ?? today(ctx.clock);
  requireNotFuture(ctx, votedOn, 'input.votedOn');
  if (votedOn < motion.submittedOn)
    throw badInput(`The vote (${votedOn}) cannot precede the motion (${motion.submittedOn}).`, 'input.votedOn');
  await requireCommitteeSize(ctx, motion.regionCode, votedOn, input.membersTotal);
  const to: MotionStatus = isApproved(input) ? 'APPROVED' : 'REJECTED';
  if (motion.kind === 'APPOINT' && motion.status === 'SUBMITTED') {
    throw conflict(
      `${describe(motion)} is SUBMITTED: an APPOINT motion is voted only after a passed legal-knowledge exam.`,
    );
  }
  requireTransition(motionTransitions[motion.kind], motion.status, to, describe(motion));
  await ctx.em.transactional(async (em) => {
    const row = await em.findOneOrFail(AppointmentMotionSchema, { id: motion.id });
    if (row.status !== motion.status) throw conflict(`${describe(motion)} changed meanwhile; read it again.`);
    Object.assign(row, {
      votesFor: input.votesFor,
      votesAgainst: input.votesAgainst,
      abstentions: input.abstentions,
      membersTotal: input.membersTotal,
      votedOn,
      status: to,
    });
    if (to === 'APPROVED' && row.kind === 'APPOINT') {
      const official = em.create(OfficialSchema, {
        id: newId(),
        unitId: row.unitId,
        regionCode: row.regionCode,
        name: row.nomineeName,
        position: row.position,
        status: 'APPOINTED',
        appointedOn: votedOn,
        swornInOn: null,
        removedOn: null,
      });
      row.officialId = official.id;
    }
    if (to === 'APPROVED' && row.kind === 'REMOVE') {
      const official = await em.findOneOrFail(OfficialSchema, { id: row.officialId! });
      if (official.status === 'REMOVED') throw conflict(`${official.name} has already been removed.`);
      official.status = 'REMOVED';
      official.removedOn = votedOn;
    }
    await em.flush();
    Object.assign(motion, row);
  });
  ctx.loaders.clearAll();
  return motion;
}

/** G-6: 宪法宣誓, only for an approved APPOINT motion; it puts the official in office. */
export async function recordOath(ctx: ServiceContext, motionId: string, on: string): Promise<AppointmentMotion> {
  const motion = await findMotion(ctx, motionId);
  requireWriteIn(ctx.viewer, motion.regionCode, 'record oaths');
  requireNotFuture(ctx, on, 'on');
  if (motion.kind === 'REMOVE')
    throw conflict('The constitutional oath is taken by the appointed; a REMOVE motion has none.');
  requireTransition(motionTransitions[motion.kind], motion.status, 'SWORN_IN', describe(motion));
  if (motion.votedOn && on < motion.votedOn)
    throw badInput(`The oath (${on}) cannot precede the appointment (${motion.votedOn}).`, 'on');
  await ctx.em.transactional(async (em) => {
    const row = await em.findOneOrFail(AppointmentMotionSchema, { id: motion.id });
    const official = await em.findOneOrFail(OfficialSchema, { id: row.officialId! });
    row.status = 'SWORN_IN';
    row.swornInOn = on;
    official.status = 'IN_OFFICE';
    official.swornInOn = on;
    await em.flush();
    Object.assign(motion, row);
  });
  ctx.loaders.clearAll();
  return motion;
}

/** Motions of a subtree, by year of submission and status (not public). */
const motions = listQuery({
  entity: AppointmentMotionSchema,
  order: [
    { prop: 'submittedOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'motionsConnection',
  where: (
    ctx: ServiceContext,
    regionCode: string,
    year: number | null | undefined,
    status: MotionStatus | null | undefined,
  ) => {
    const scope = listScope(ctx.viewer, regionCode, 'Appointment motions');
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (scope.unitId) where.unitId = scope.unitId;
    if (year !== null && year !== undefined) {
      const [from, to] = yearRange(requireYear(year));
      where.submittedOn = { $gte: from, $lte: to };
    }
    if (status) where.status = status;
    return where;
  },
});
export const listMotions = motions.list;
export const motionsConnection = motions.page;
