import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import { requireReadIn, requireViewer, requireWriteIn, canReadRegion } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { pageById, type Connection } from '@renda/server-kit/pagination';
import { requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { dutyRulesIn } from '../../env.ts';
import type { Viewer } from '@renda/auth/viewer';
import type { Deputy } from '../deputies/deputy.entity.ts';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { deputyLoader, laterDate, requireDeputy, stationLoader } from '../deputies/deputies.service.ts';
import { congressLoader, requireCongress, sessionLoader } from '../regions/regions.service.ts';
import type { DutyCounts } from './duty.ts';
import { recordMandateEvent } from '../deputies/events.ts';
import { absenceTerminationReason } from './attendance-corrections.ts';
import { assignedDeputyRows, committeeMemberCounts, dutyCountRows, leadersShortOfLinks } from './liaison.store.ts';
import {
  CommitteeAssignmentSchema,
  CommitteeMemberSchema,
  ContactRecordSchema,
  GovernmentLeaderSchema,
  LeaderLinkSchema,
  SessionAttendanceSchema,
  type AttendanceStatus,
  type CommitteeMember,
  type CommitteeRole,
  type ContactKind,
  type ContactMethod,
  type ContactRecord,
  type GovernmentLeader,
  type GovernmentLeaderRole,
  type SessionAttendance,
} from './liaison.entity.ts';

export const memberLoader = (ctx: ServiceContext) =>
  entityLoader<CommitteeMember>(ctx, CommitteeMemberSchema, 'id', isId);
export const contactLoader = (ctx: ServiceContext) => entityLoader<ContactRecord>(ctx, ContactRecordSchema, 'id', isId);
export const leaderLoader = (ctx: ServiceContext) =>
  entityLoader<GovernmentLeader>(ctx, GovernmentLeaderSchema, 'id', isId);

/**
 * Guard of a committee member's or government leader's contacts: they name many deputies, so they
 * are for staff and analysts of the region (and admins). No token is UNAUTHENTICATED, others FORBIDDEN.
 */
export function requireContactReader(viewer: Viewer | null, regionCode: string): Viewer {
  return requireReadIn(viewer, regionCode, 'the contact records');
}

export async function findMember(ctx: ServiceContext, id: string): Promise<CommitteeMember> {
  const member = await memberLoader(ctx).load(id);
  if (!member) throw notFound('committee member', id);
  return member;
}

export async function findLeader(ctx: ServiceContext, id: string): Promise<GovernmentLeader> {
  const leader = await leaderLoader(ctx).load(id);
  if (!leader) throw notFound('government leader', id);
  return leader;
}

/** D-2: township congresses have a presidium, not a standing committee, so no committee members. */
export async function createCommitteeMember(
  ctx: ServiceContext,
  input: { congressId: string; name: string; role: CommitteeRole; fullTime: boolean },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<CommitteeMember> {
  const congress = await requireCongress(ctx, input.congressId, 'input.congressId');
  requireWriteIn(ctx.viewer, congress.regionCode, 'add committee members');
  if (congress.level === 'TOWNSHIP') {
    throw badInput(
      'A township congress has a presidium (主席团), not a standing committee: it has no committee members.',
      'input.congressId',
    );
  }
  const member = ctx.em.create(CommitteeMemberSchema, {
    id,
    congressId: congress.id,
    regionCode: congress.regionCode,
    name: requireText(input.name, 'input.name', 100),
    role: input.role,
    fullTime: input.fullTime,
  });
  await ctx.em.flush();
  return member;
}

async function requireDeputiesOf(
  ctx: ServiceContext,
  ids: readonly string[],
  field: string,
  accept: (d: Deputy) => string | null,
): Promise<Deputy[]> {
  if (ids.length === 0) throw badInput(`\`${field}\` must name at least one deputy.`, field);
  const unique = [...new Set(ids)];
  const deputies = await Promise.all(unique.map((id) => deputyLoader(ctx).load(id)));
  const missing = unique.filter((_, i) => !deputies[i]);
  if (missing.length) throw badInput(`No deputy with id ${missing.map((m) => JSON.stringify(m)).join(', ')}.`, field);
  for (const d of deputies as Deputy[]) {
    const problem = accept(d);
    if (problem) throw badInput(problem, field);
  }
  return deputies as Deputy[];
}

/** D-4: 代工委 assigns deputies of the member's own congress; assignments add up and repeat harmlessly. */
export async function assignDeputies(
  ctx: ServiceContext,
  memberId: string,
  deputyIds: readonly string[],
): Promise<CommitteeMember> {
  const member = await findMember(ctx, memberId);
  requireWriteIn(ctx.viewer, member.regionCode, 'assign deputies');
  const deputies = await requireDeputiesOf(ctx, deputyIds, 'deputyIds', (d) =>
    d.congressId !== member.congressId
      ? `${d.name} is not a deputy of this member's congress.`
      : d.status !== 'ACTIVE'
        ? `${d.name}'s mandate has ended (${d.status}).`
        : null,
  );
  const existing = await ctx.em.find(CommitteeAssignmentSchema, { memberId: member.id });
  const have = new Set(existing.map((a) => a.deputyId));
  for (const d of deputies)
    if (!have.has(d.id)) ctx.em.create(CommitteeAssignmentSchema, { memberId: member.id, deputyId: d.id });
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return member;
}

export function assignedDeputies(ctx: ServiceContext, memberId: string): Promise<Deputy[]> {
  return ctx.loaders
    .get<string, Deputy[]>('CommitteeMember.assignedDeputies', async (ids) => {
      const rows = await assignedDeputyRows(ctx.em, ids);
      const deputies = await Promise.all(rows.map((r) => deputyLoader(ctx).load(r.id)));
      const pairs = rows.map((r, i) => ({ memberId: r.member_id, deputy: deputies[i]! }));
      return groupBy(ids, pairs, (p) => p.memberId).map((list) => list.map((p) => p.deputy));
    })
    .load(memberId);
}

export async function createGovernmentLeader(
  ctx: ServiceContext,
  input: { regionCode: string; name: string; role: GovernmentLeaderRole },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<GovernmentLeader> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'register government leaders');
  const leader = ctx.em.create(GovernmentLeaderSchema, {
    id,
    regionCode,
    name: requireText(input.name, 'input.name', 100),
    role: input.role,
  });
  await ctx.em.flush();
  return leader;
}

/**
 * D-5: a mayor or vice-mayor is linked to at most 5 deputies (a setting) per term, each a deputy of
 * their own level's congress — the congress of the leader's region (a city's mayor: city deputies).
 */
export async function linkDeputies(
  ctx: ServiceContext,
  leaderId: string,
  deputyIds: readonly string[],
): Promise<GovernmentLeader> {
  const leader = await findLeader(ctx, leaderId);
  requireWriteIn(ctx.viewer, leader.regionCode, 'link deputies to government leaders');
  const deputies = await requireDeputiesOf(ctx, deputyIds, 'deputyIds', (d) =>
    !d.regionCode.startsWith(leader.regionCode)
      ? `${d.name} is not a deputy of region ${leader.regionCode}.`
      : d.status !== 'ACTIVE'
        ? `${d.name}'s mandate has ended (${d.status}).`
        : null,
  );
  const congresses = await Promise.all(deputies.map((d) => congressLoader(ctx).load(d.congressId)));
  deputies.forEach((d, i) => {
    const congress = congresses[i];
    if (congress?.regionCode !== leader.regionCode) {
      throw badInput(
        `${d.name} is a deputy of ${congress?.name ?? 'another congress'}; ${leader.name} links deputies of the congress of region ${leader.regionCode}, their own level.`,
        'deputyIds',
      );
    }
  });
  const existing = await ctx.em.find(LeaderLinkSchema, { leaderId: leader.id });
  const all = new Set([...existing.map((l) => l.deputyId), ...deputies.map((d) => d.id)]);
  if (all.size > dutyRulesIn(ctx).maxLinkedDeputies) {
    throw badInput(
      `A government leader is linked to at most ${dutyRulesIn(ctx).maxLinkedDeputies} deputies per term; this would make ${all.size}.`,
      'deputyIds',
    );
  }
  const have = new Set(existing.map((l) => l.deputyId));
  for (const d of deputies)
    if (!have.has(d.id)) ctx.em.create(LeaderLinkSchema, { leaderId: leader.id, deputyId: d.id });
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return leader;
}

export function linkedDeputies(ctx: ServiceContext, leaderId: string): Promise<Deputy[]> {
  return ctx.loaders
    .get<string, Deputy[]>('GovernmentLeader.linkedDeputies', async (ids) => {
      const links = await ctx.em.find(LeaderLinkSchema, { leaderId: { $in: [...ids] } });
      const deputies = await Promise.all(links.map((l) => deputyLoader(ctx).load(l.deputyId)));
      const pairs = links.map((l, i) => ({ leaderId: l.leaderId, deputy: deputies[i]! })).filter((p) => p.deputy);
      return groupBy(ids, pairs, (p) => p.leaderId).map((list) => list.map((p) => p.deputy));
    })
    .load(leaderId);
}

export interface RecordContactInput {
  kind: ContactKind;
  method: ContactMethod;
  occurredOn: string;
  deputyId: string;
  committeeMemberId?: string | null;
  governmentLeaderId?: string | null;
  stationId?: string | null;
  groupId?: string | null;
  participants?: number | null;
  summary: string;
  opinions?: string[] | null;
}

/** Which reference each kind of contact names (and which it may not). */
const contactShape: Record<ContactKind, { member: boolean; leader: boolean; participants: boolean }> = {
  COMMITTEE_MEMBER: { member: true, leader: false, participants: false },
  GOVERNMENT_LEADER: { member: false, leader: true, participants: false },
  VOTER: { member: false, leader: false, participants: true },
  GROUP_ACTIVITY: { member: false, leader: false, participants: false },
  DUTY_REPORT: { member: false, leader: false, participants: true },
};

/** Kinds a deputy records for themself: their own voter contacts and duty reports. */
const selfRecordedKinds: ContactKind[] = ['VOTER', 'DUTY_REPORT'];

/**
 * Who may record a contact of `kind` with `deputy` (and so correct or withdraw it): staff of the deputy's region,
 * the deputy for their own VOTER and DUTY_REPORT contacts, a committee member for their own contacts with
 * their assigned deputies.
 */
export async function requireContactRecorder(
  ctx: ServiceContext,
  deputy: Deputy,
  input: { kind: ContactKind; committeeMemberId?: string | null },
): Promise<Viewer> {
  const viewer = requireViewer(ctx.viewer);
  if (viewer.role === 'DEPUTY') {
    if (viewer.deputy !== deputy.id) throw forbidden('A deputy records only their own contacts.');
    if (!selfRecordedKinds.includes(input.kind))
      throw forbidden(
        `A deputy records their own voter contacts and duty reports; ${input.kind} contacts are recorded by staff.`,
      );
  } else if (viewer.role === 'COMMITTEE_MEMBER') {
    // D-4 (002 §9): a committee member registers their own contacts, with the deputies assigned to them.
    if (input.kind !== 'COMMITTEE_MEMBER' || input.committeeMemberId !== viewer.member) {
      throw forbidden(
        'A committee member records only their own COMMITTEE_MEMBER contacts (`committeeMemberId` is theirs).',
      );
    }
    const assigned = await ctx.em.count(CommitteeAssignmentSchema, { memberId: viewer.member, deputyId: deputy.id });
    if (!assigned)
      throw forbidden(
        `${deputy.name} is not assigned to you: a committee member records contacts with their assigned deputies.`,
      );
  } else {
    requireWriteIn(viewer, deputy.regionCode, 'record contacts');
  }
  return viewer;
}

export async function recordContact(ctx: ServiceContext, input: RecordContactInput): Promise<ContactRecord> {
  const deputy = await requireDeputy(ctx, input.deputyId, 'input.deputyId');
  const viewer = await requireContactRecorder(ctx, deputy, input);
  if (deputy.status !== 'ACTIVE')
    throw badInput(
      `${deputy.name}'s mandate has ended (${deputy.status}); no contacts are recorded after it.`,
      'input.deputyId',
    );
  if (input.occurredOn > today(ctx.clock)) throw badInput('`occurredOn` may not be in the future.', 'input.occurredOn');
  // A contact is made as a deputy: within the congress's term (not in year 1 nor before the election).
  const congress = await congressLoader(ctx).load(deputy.congressId);
  if (congress && input.occurredOn < congress.startsOn) {
    throw badInput(
      `\`occurredOn\` (${input.occurredOn}) is before ${congress.name} began (${congress.startsOn}).`,
      'input.occurredOn',
    );
  }
  const shape = contactShape[input.kind];
  let committeeMemberId: string | null = null;
  let governmentLeaderId: string | null = null;
  if (shape.member) {
    if (!input.committeeMemberId)
      throw badInput(
        'A COMMITTEE_MEMBER contact names the committee member (`committeeMemberId`).',
        'input.committeeMemberId',
      );
    const member = await memberLoader(ctx).load(input.committeeMemberId);
    if (!member)
      throw badInput(
        `No committee member with id ${JSON.stringify(input.committeeMemberId)}.`,
        'input.committeeMemberId',
      );
    if (member.congressId !== deputy.congressId)
      throw badInput(
        `${member.name} sits on another congress's committee than ${deputy.name}.`,
        'input.committeeMemberId',
      );
    committeeMemberId = member.id;
  } else if (input.committeeMemberId) {
    throw badInput(`A ${input.kind} contact names no committee member.`, 'input.committeeMemberId');
  }
  if (shape.leader) {
    if (!input.governmentLeaderId)
      throw badInput(
        'A GOVERNMENT_LEADER contact names the leader (`governmentLeaderId`).',
        'input.governmentLeaderId',
      );
    const leader = await leaderLoader(ctx).load(input.governmentLeaderId);
    if (!leader)
      throw badInput(
        `No government leader with id ${JSON.stringify(input.governmentLeaderId)}.`,
        'input.governmentLeaderId',
      );
    if (!deputy.regionCode.startsWith(leader.regionCode))
      throw badInput(
        `${leader.name} leads region ${leader.regionCode}, not ${deputy.name}'s.`,
        'input.governmentLeaderId',
      );
    governmentLeaderId = leader.id;
  } else if (input.governmentLeaderId) {
    throw badInput(`A ${input.kind} contact names no government leader.`, 'input.governmentLeaderId');
  }
  let participants: number | null = null;
  if (shape.participants) {
    if (!input.participants || !Number.isInteger(input.participants) || input.participants < 1) {
      throw badInput(
        `A ${input.kind} contact counts the voters who took part (\`participants\` of at least 1).`,
        'input.participants',
      );
    }
    participants = input.participants;
  } else if (input.participants !== null && input.participants !== undefined) {
    throw badInput(`A ${input.kind} contact counts no voters.`, 'input.participants');
  }
  let stationId: string | null = null;
  if (input.stationId) {
    const station = await stationLoader(ctx).load(input.stationId);
    if (!station) throw badInput(`No liaison station with id ${JSON.stringify(input.stationId)}.`, 'input.stationId');
    // The station is one of the deputy's region (or of a region above or below it), as for Deputy.station.
    if (!deputy.regionCode.startsWith(station.regionCode) && !station.regionCode.startsWith(deputy.regionCode)) {
      throw badInput(
        `Station ${station.name} belongs to region ${station.regionCode}, not to ${deputy.name}'s region ${deputy.regionCode}.`,
        'input.stationId',
      );
    }
    stationId = station.id;
  }
  // D-14: a group activity belongs to a group, and the deputy takes part as its member.
  let groupId: string | null = null;
  if (input.kind === 'GROUP_ACTIVITY') {
    groupId = input.groupId ?? deputy.groupId ?? null;
    if (!groupId)
      throw badInput(
        `${deputy.name} belongs to no deputy group: a GROUP_ACTIVITY names the group (\`groupId\`) the deputy is a member of.`,
        'input.groupId',
      );
    if (groupId !== deputy.groupId)
      throw badInput(
        `${deputy.name} is not a member of that group; a group activity is recorded for the group's own deputies.`,
        'input.groupId',
      );
  } else if (input.groupId) {
    throw badInput(`A ${input.kind} contact names no deputy group.`, 'input.groupId');
  }
  const opinions = (input.opinions ?? []).map((o, i) => requireText(o, `input.opinions[${i}]`, 1000));
  const record = ctx.em.create(ContactRecordSchema, {
    id: newId(),
    kind: input.kind,
    method: input.method,
    occurredOn: input.occurredOn,
    deputyId: deputy.id,
    regionCode: deputy.regionCode,
    committeeMemberId,
    governmentLeaderId,
    stationId,
    groupId,
    participants,
    voterSatisfied: null,
    voterBasicallySatisfied: null,
    voterDissatisfied: null,
    summary: requireText(input.summary, 'input.summary', 4000),
    opinions,
    recordedAt: ctx.clock.now(),
    recordedBy: viewer.sub,
  });
  await ctx.em.flush();
  return record;
}

type ContactOwner = 'deputyId' | 'committeeMemberId' | 'governmentLeaderId';

/** Contacts of many owners in one year, in one query per (owner kind, year, kind filter). */
export function contactsOf(
  ctx: ServiceContext,
  owner: ContactOwner,
  ownerId: string,
  year: number,
  kind?: ContactKind | null,
): Promise<ContactRecord[]> {
  requireYear(year);
  const [from, to] = yearRange(year);
  return ctx.loaders
    .get<string, ContactRecord[]>(`ContactRecord.${owner}@${year}/${kind ?? '*'}`, async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length
        ? await ctx.em.find(
            ContactRecordSchema,
            {
              [owner]: { $in: valid },
              occurredOn: { $gte: from, $lte: to },
              withdrawnAt: null,
              ...(kind ? { kind } : {}),
            },
            { orderBy: { occurredOn: 'asc', id: 'asc' } },
          )
        : [];
      return groupBy(ids, rows, (r) => r[owner] as string);
    })
    .load(ownerId);
}

/** D-4: assigned deputies in office whom the member contacted fewer times than the yearly minimum. */
export async function underContacted(ctx: ServiceContext, member: CommitteeMember, year: number): Promise<Deputy[]> {
  const [assigned, contacts] = await Promise.all([
    assignedDeputies(ctx, member.id),
    contactsOf(ctx, 'committeeMemberId', member.id, year, 'COMMITTEE_MEMBER'),
  ]);
  const counts = new Map<string, number>();
  for (const c of contacts) counts.set(c.deputyId, (counts.get(c.deputyId) ?? 0) + 1);
  // The obligation lasts as long as the mandate (deputyStats counts active assignments the same way).
  return assigned.filter(
    (d) => d.status === 'ACTIVE' && (counts.get(d.id) ?? 0) < dutyRulesIn(ctx).minCommitteeContacts,
  );
}

/** D-8: records attendance; a second unexcused absence in the same congress ends the mandate. */
export async function recordAttendance(
  ctx: ServiceContext,
  input: { sessionId: string; deputyId: string; status: AttendanceStatus },
): Promise<SessionAttendance> {
  const session = await sessionLoader(ctx).load(input.sessionId);
  if (!session) throw badInput(`No congress session with id ${JSON.stringify(input.sessionId)}.`, 'input.sessionId');
  requireWriteIn(ctx.viewer, session.regionCode, 'record attendance');
  const deputy = await requireDeputy(ctx, input.deputyId, 'input.deputyId');
  if (deputy.congressId !== session.congressId)
    throw badInput(`${deputy.name} is not a deputy of the congress that held this session.`, 'input.deputyId');
  // D-8: only a session that has opened can be attended or missed; a future absence must not end a mandate.
  if (session.opensOn > today(ctx.clock))
    throw conflict(`Session ${session.number} opens on ${session.opensOn}; record attendance once it has opened.`);
  return ctx.em.transactional(async (em) => {
    let row = await em.findOne(SessionAttendanceSchema, { sessionId: session.id, deputyId: deputy.id });
    if (row) {
      // D-8: the absence a termination rests on changes only with a trail, which also restores the mandate.
      if (row.endedMandate && !row.withdrawnAt && input.status !== 'ABSENT')
        throw conflict(
          `This absence terminated ${deputy.name}'s mandate (D-8): change it with correctSessionAttendance (version ${row.version}, with a reason), which restores the mandate.`,
        );
      // Recording again replaces the row (and brings back a withdrawn one): a correction made on the old version is stale.
      if (row.status !== input.status || row.withdrawnAt) {
        row.status = input.status;
        row.leaveReason = input.status === 'EXCUSED' ? row.leaveReason : null;
        row.withdrawnAt = null;
        row.version += 1;
      }
    } else
      row = em.create(SessionAttendanceSchema, {
        id: newId(),
        sessionId: session.id,
        deputyId: deputy.id,
        congressId: session.congressId,
        regionCode: deputy.regionCode,
        status: input.status,
      });
    await em.flush();
    if (input.status === 'ABSENT') {
      const absences = await em.count(SessionAttendanceSchema, {
        deputyId: deputy.id,
        congressId: session.congressId,
        status: 'ABSENT',
        withdrawnAt: null,
      });
      const current = await em.findOneOrFail(DeputySchema, { id: deputy.id });
      if (absences >= 2 && current.status === 'ACTIVE') {
        current.status = 'TERMINATED';
        current.version += 1;
        current.statusReason = absenceTerminationReason(absences);
        row.endedMandate = true;
        current.mandateEndsOn = laterDate(session.opensOn, current.mandateStartsOn);
        await recordMandateEvent(ctx, em, current, 'mandate.ended', {
          reason: current.statusReason,
          rule: 'D-8',
          sessionId: session.id,
        });
        await em.flush();
      }
    }
    ctx.loaders.clearAll();
    return row;
  });
}

/** Attendance of sessions, readable by staff and analysts of the subtree; a deputy sees their own line. */
export async function sessionAttendance(
  ctx: ServiceContext,
  sessionId: string,
  regionCode: string,
): Promise<SessionAttendance[]> {
  const viewer = requireViewer(ctx.viewer);
  const rows = await ctx.loaders
    .get<string, SessionAttendance[]>('CongressSession.attendance', async (ids) => {
      const list = await ctx.em.find(SessionAttendanceSchema, { sessionId: { $in: [...ids] }, withdrawnAt: null });
      return groupBy(ids, list, (r) => r.sessionId);
    })
    .load(sessionId);
  if (viewer.role === 'DEPUTY') return rows.filter((r) => r.deputyId === viewer.deputy);
  if (!canReadRegion(viewer, regionCode)) throw forbidden(`You may not read the attendance of region ${regionCode}.`);
  return rows.filter((r) => canReadRegion(viewer, r.regionCode));
}

/** D-6, D-7, D-11: a deputy's yearly counts against the minimums; one query for all deputies asked. */
export function dutySummary(ctx: ServiceContext, deputy: Deputy, year: number): Promise<DutyCounts> {
  requireYear(year);
  return ctx.loaders
    .get<Deputy, DutyCounts>(
      `Deputy.duty@${year}`,
      async (deputies) => {
        const ids = deputies.map((d) => d.id);
        const [from, to] = yearRange(year);
        const rows = await dutyCountRows(ctx.em, ids, from, to);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return deputies.map((d) => {
          const r = byId.get(d.id);
          const voterContacts = Number(r?.voter ?? 0);
          const groupActivities = Number(r?.grp ?? 0);
          return {
            deputyId: d.id,
            year,
            voterContacts,
            groupActivities,
            committeeContacts: Number(r?.committee ?? 0),
            dutyReportsThisTerm: Number(r?.reports ?? 0),
            sessionsAbsentWithoutLeave: Number(r?.absent ?? 0),
            // D-7's group activities are an average of the body (Congress.dutyAverages), not a pass per deputy.
            meetsMinimums: voterContacts >= dutyRulesIn(ctx).minVoterContacts,
          };
        });
      },
      (d) => d.id,
    )
    .load(deputy);
}

/** The staff console's list of a congress's standing-committee members; an unknown congress has none. */
export async function listCommitteeMembers(
  ctx: ServiceContext,
  congressId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<CommitteeMember>> {
  if (!isId(congressId)) throw badInput(`${JSON.stringify(congressId)} is not an id.`, 'congressId');
  return pageById(ctx.em, CommitteeMemberSchema, { congressId }, first, after);
}

/** The staff console's list of mayors and vice-mayors of a region subtree; D-5: optionally only those short of links. */
export async function listLeaders(
  ctx: ServiceContext,
  regionCode: string,
  shortOfLinks: boolean | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<GovernmentLeader>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  if (!shortOfLinks)
    return pageById(ctx.em, GovernmentLeaderSchema, { regionCode: { $like: `${code}%` } }, first, after);
  const rows = await leadersShortOfLinks(ctx.em, code, dutyRulesIn(ctx).maxLinkedDeputies);
  return pageById(ctx.em, GovernmentLeaderSchema, { id: { $in: rows.map((r) => r.id) } }, first, after);
}

/** D-5: how many more deputies the leader is to be linked to this term. */
export async function linkGap(ctx: ServiceContext, leaderId: string): Promise<number> {
  const linked = await linkedDeputies(ctx, leaderId);
  return Math.max(0, dutyRulesIn(ctx).maxLinkedDeputies - linked.length);
}

/** D-5: linked deputies in office whom the leader has not visited in `year`. */
export async function unvisited(ctx: ServiceContext, leader: GovernmentLeader, year: number): Promise<Deputy[]> {
  const [linked, contacts] = await Promise.all([
    linkedDeputies(ctx, leader.id),
    contactsOf(ctx, 'governmentLeaderId', leader.id, year, 'GOVERNMENT_LEADER'),
  ]);
  const visited = new Set(contacts.map((c) => c.deputyId));
  return linked.filter((d) => d.status === 'ACTIVE' && !visited.has(d.id));
}

/** 常委会组成人员 registered for a congress (batched); supervision checks appointment votes against it (G-6). */
export function committeeMemberCount(ctx: ServiceContext, congressId: string): Promise<number> {
  return ctx.loaders
    .get<string, number>('Congress.committeeMemberCount', async (ids) => {
      const rows = await committeeMemberCounts(ctx.em, ids);
      const map = new Map(rows.map((r) => [r.congress_id, Number(r.n)]));
      return ids.map((id) => map.get(id) ?? 0);
    })
    .load(congressId);
}
