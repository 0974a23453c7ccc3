import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import { covers, requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { isId, newId } from '@renda/db/ids';
import { knexTable } from '@renda/db/tables';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct, requireVersion } from '@renda/server-kit/corrections';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { today } from '@renda/server-kit/dates';
import { decodeCursor, pageById, pageSize, toConnection, type Connection } from '@renda/server-kit/pagination';
import { likeEscape, optionalText, requireRegionCode, requireText } from '@renda/server-kit/validate';
import { requireCongress } from '../regions/regions.service.ts';
import { PersonSchema } from '../persons/person.entity.ts';
import {
  DeputyGroupSchema,
  DeputySchema,
  LiaisonStationSchema,
  type Deputy,
  type DeputyGroup,
  type DeputyStatus,
  type Gender,
  type LiaisonStation,
} from './deputy.entity.ts';
import { recordMandateEvent } from './events.ts';

export const deputyLoader = (ctx: ServiceContext) => entityLoader<Deputy>(ctx, DeputySchema, 'id', isId);
export const groupLoader = (ctx: ServiceContext) => entityLoader<DeputyGroup>(ctx, DeputyGroupSchema, 'id', isId);
export const stationLoader = (ctx: ServiceContext) =>
  entityLoader<LiaisonStation>(ctx, LiaisonStationSchema, 'id', isId);

export async function findDeputy(ctx: ServiceContext, id: string): Promise<Deputy> {
  const deputy = await deputyLoader(ctx).load(id);
  if (!deputy) throw notFound('deputy', id);
  return deputy;
}

/** A deputy named in input: BAD_USER_INPUT when unknown. */
export async function requireDeputy(ctx: ServiceContext, id: string, field: string): Promise<Deputy> {
  const deputy = await deputyLoader(ctx).load(id);
  if (!deputy) throw badInput(`No deputy with id ${JSON.stringify(id)}.`, field);
  return deputy;
}

/**
 * D-11, D-3: contacts, attendance and the duty archive are for staff and analysts of the deputy's
 * subtree, the deputy themself and admins. The public profile is everyone's.
 */
export function canReadDutyRecords(viewer: Viewer | null, deputy: Pick<Deputy, 'id' | 'regionCode'>): boolean {
  if (!viewer) return false;
  if (viewer.role === 'DEPUTY') return viewer.deputy === deputy.id;
  if (viewer.role === 'ADMIN' || viewer.role === 'STAFF' || viewer.role === 'ANALYST')
    return covers(viewer, deputy.regionCode);
  return false;
}

/**
 * Guard of the protected fields of a deputy (contacts, attendance, duty archive): no token is
 * UNAUTHENTICATED, a token that may not read them is FORBIDDEN.
 */
export function requireDutyReader(
  viewer: Viewer | null,
  deputy: Pick<Deputy, 'id' | 'regionCode'>,
  what: string,
): Viewer {
  const v = requireViewer(viewer);
  if (!canReadDutyRecords(v, deputy))
    throw forbidden(`${what} are for the deputy, staff and analysts of their region.`);
  return v;
}

async function requireGroupIn(
  ctx: ServiceContext,
  id: string | null | undefined,
  regionCode: string,
  field: string,
): Promise<string | null> {
  if (!id) return null;
  const group = await groupLoader(ctx).load(id);
  if (!group) throw badInput(`No deputy group with id ${JSON.stringify(id)}.`, field);
  if (!regionCode.startsWith(group.regionCode) && !group.regionCode.startsWith(regionCode)) {
    throw badInput(`Group ${group.name} belongs to region ${group.regionCode}, not to ${regionCode}.`, field);
  }
  return group.id;
}

async function requireStationIn(
  ctx: ServiceContext,
  id: string | null | undefined,
  regionCode: string,
  field: string,
): Promise<string | null> {
  if (!id) return null;
  const station = await stationLoader(ctx).load(id);
  if (!station) throw badInput(`No liaison station with id ${JSON.stringify(id)}.`, field);
  if (!regionCode.startsWith(station.regionCode) && !station.regionCode.startsWith(regionCode)) {
    throw badInput(`Station ${station.name} belongs to region ${station.regionCode}, not to ${regionCode}.`, field);
  }
  return station.id;
}

const phonePattern = /^[0-9+\-() ]{5,40}$/;

function optionalPhone(phone: string | null | undefined, field: string): string | null {
  const value = optionalText(phone, field, 40);
  if (value !== null && !phonePattern.test(value))
    throw badInput('`phone` may hold digits, spaces, + - ( ) only.', field);
  return value;
}

export interface CreateDeputyInput {
  congressId: string;
  regionCode: string;
  name: string;
  gender: Gender;
  ethnicity?: string | null;
  workUnit: string;
  position: string;
  phone?: string | null;
  constituency: string;
  groupId?: string | null;
  stationId?: string | null;
  personId?: string | null;
  leadingCadre?: boolean | null;
}

export async function createDeputy(
  ctx: ServiceContext,
  input: CreateDeputyInput,
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<Deputy> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  const congress = await requireCongress(ctx, input.congressId, 'input.congressId');
  if (!regionCode.startsWith(congress.regionCode)) {
    throw badInput(
      `A deputy of ${congress.name} must belong to region ${congress.regionCode} or below.`,
      'input.regionCode',
    );
  }
  requireWriteIn(ctx.viewer, regionCode, 'register deputies');
  const name = requireText(input.name, 'input.name', 100);
  // D-12: a further mandate of someone who held one before joins their person; otherwise a new person.
  let personId: string;
  if (input.personId) {
    const person = isId(input.personId) ? await ctx.em.findOne(PersonSchema, { id: input.personId }) : null;
    if (!person) throw badInput(`No person with id ${JSON.stringify(input.personId)}.`, 'input.personId');
    if (await ctx.em.count(DeputySchema, { personId: person.id, congressId: congress.id })) {
      throw conflict(`${person.name} already holds a mandate in ${congress.name}.`);
    }
    personId = person.id;
  } else {
    personId = newId();
    ctx.em.create(PersonSchema, { id: personId, name });
  }
  const deputy = ctx.em.create(DeputySchema, {
    id,
    personId,
    leadingCadre: input.leadingCadre ?? false,
    congressId: congress.id,
    regionCode,
    name,
    gender: input.gender,
    ethnicity: optionalText(input.ethnicity, 'input.ethnicity', 20),
    workUnit: requireText(input.workUnit, 'input.workUnit', 200),
    position: requireText(input.position, 'input.position', 200),
    phone: optionalPhone(input.phone, 'input.phone'),
    constituency: requireText(input.constituency, 'input.constituency', 200),
    groupId: await requireGroupIn(ctx, input.groupId, regionCode, 'input.groupId'),
    stationId: await requireStationIn(ctx, input.stationId, regionCode, 'input.stationId'),
    status: 'ACTIVE',
    statusReason: null,
    mandateStartsOn: congress.startsOn,
    mandateEndsOn: null,
  });
  await recordMandateEvent(ctx, ctx.em, deputy, 'mandate.started', { constituency: deputy.constituency });
  try {
    await ctx.em.flush();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException)
      throw conflict('This person already holds a mandate in that congress.');
    throw e;
  }
  return deputy;
}

export async function updateDeputy(
  ctx: ServiceContext,
  id: string,
  input: {
    name?: string | null;
    workUnit?: string | null;
    position?: string | null;
    phone?: string | null;
    groupId?: string | null;
    stationId?: string | null;
    leadingCadre?: boolean | null;
  },
  version?: number | null,
  reason?: string | null,
): Promise<Deputy> {
  const deputy = await findDeputy(ctx, id);
  const viewer = requireWriteIn(ctx.viewer, deputy.regionCode, 'update deputies');
  if (version != null) requireVersion('deputy', deputy.version, version);
  const changes: Partial<Deputy> = {};
  if (input.name !== undefined && input.name !== null) changes.name = requireText(input.name, 'input.name', 100);
  if (input.workUnit !== undefined && input.workUnit !== null)
    changes.workUnit = requireText(input.workUnit, 'input.workUnit', 200);
  if (input.position !== undefined && input.position !== null)
    changes.position = requireText(input.position, 'input.position', 200);
  if (input.phone !== undefined) changes.phone = optionalPhone(input.phone, 'input.phone');
  if (input.groupId !== undefined)
    changes.groupId = await requireGroupIn(ctx, input.groupId, deputy.regionCode, 'input.groupId');
  if (input.stationId !== undefined)
    changes.stationId = await requireStationIn(ctx, input.stationId, deputy.regionCode, 'input.stationId');
  if (input.leadingCadre !== undefined && input.leadingCadre !== null) changes.leadingCadre = input.leadingCadre;
  if (reason != null) {
    // 更正 a correction: the changed fields, who and why, in the audit log (one unit of work with the change).
    correct(
      ctx.em,
      {
        kind: 'Deputy',
        record: deputy,
        id: deputy.id,
        regionCode: deputy.regionCode,
        expectedVersion: version ?? deputy.version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      changes,
    );
  } else {
    Object.assign(deputy, changes);
    deputy.version += 1;
  }
  // Which fields changed, not their values (the phone is personal data).
  await recordMandateEvent(ctx, ctx.em, deputy, 'deputy.updated', { changed: Object.keys(changes).sort() });
  await ctx.em.flush();
  return deputy;
}

/** F-1: a mandate ends no earlier than it started. */
export const laterDate = (a: string, b: string) => (a > b ? a : b);

/** Ends a mandate by hand (resignation, recall, death, termination). */
export async function endMandate(
  ctx: ServiceContext,
  id: string,
  status: DeputyStatus,
  reason: string,
): Promise<Deputy> {
  const deputy = await findDeputy(ctx, id);
  requireWriteIn(ctx.viewer, deputy.regionCode, 'end mandates');
  if (status === 'ACTIVE')
    throw badInput('A mandate ends with TERMINATED, RESIGNED, RECALLED or DECEASED, not ACTIVE.', 'status');
  const text = requireText(reason, 'reason', 500);
  if (deputy.status !== 'ACTIVE') throw conflict(`This mandate already ended (${deputy.status}).`);
  deputy.status = status;
  deputy.statusReason = text;
  deputy.mandateEndsOn = laterDate(today(ctx.clock), deputy.mandateStartsOn);
  deputy.version += 1;
  await recordMandateEvent(ctx, ctx.em, deputy, 'mandate.ended', { reason: text });
  await ctx.em.flush();
  return deputy;
}

export interface DeputyFilter {
  congressId?: string | null;
  regionCode?: string | null;
  status?: DeputyStatus | null;
  groupId?: string | null;
  name?: string | null;
}

export async function listDeputies(
  ctx: ServiceContext,
  filter: DeputyFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
  scope: { congressId?: string } = {},
): Promise<Connection<Deputy>> {
  const limit = pageSize(first);
  const afterId = decodeCursor(after);
  // Cursors carry a deputy id; one that does not must not reach SQL.
  if (afterId !== null && !isId(afterId))
    throw badInput(
      '`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.',
      'after',
    );
  const knex = ctx.em.getKnex();
  const query = knex(knexTable(ctx.em, DeputySchema));
  // Congress.deputies keeps to its congress: a filter naming another congress matches nobody.
  if (scope.congressId && filter?.congressId && filter.congressId !== scope.congressId)
    return toConnection([], limit, 0, (d: Deputy) => d.id);
  const congressId = scope.congressId ?? filter?.congressId;
  if (congressId) {
    if (!isId(congressId)) return toConnection([], limit, 0, (d: Deputy) => d.id);
    query.where('congress_id', congressId);
  }
  if (filter?.regionCode)
    query.where('region_code', 'like', `${requireRegionCode(filter.regionCode, 'filter.regionCode')}%`);
  if (filter?.status) query.where('status', filter.status);
  if (filter?.groupId) {
    if (!isId(filter.groupId)) return toConnection([], limit, 0, (d: Deputy) => d.id);
    query.where('group_id', filter.groupId);
  }
  if (filter?.name?.trim()) query.whereRaw(`name like ? escape '\\'`, [`%${likeEscape(filter.name.trim())}%`]);
  const [{ count }] = (await query.clone().count<{ count: string }[]>('* as count')) as [{ count: string }];
  const page = query
    .clone()
    .select('id')
    .orderBy('id', 'asc')
    .limit(limit + 1);
  if (afterId) page.where('id', '>', afterId);
  const ids = ((await page) as { id: string }[]).map((r) => r.id);
  const rows = ids.length ? await ctx.em.find(DeputySchema, { id: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
  for (const row of rows) deputyLoader(ctx).prime(row.id, row);
  return toConnection(rows, limit, Number(count), (d) => d.id, afterId !== null);
}

export function activeDeputyCount(ctx: ServiceContext, congressId: string): Promise<number> {
  return ctx.loaders
    .get<string, number>('Congress.activeDeputyCount', async (ids) => {
      const rows: { congress_id: string; n: string }[] = await ctx.em
        .getKnex()(knexTable(ctx.em, DeputySchema))
        .select('congress_id')
        .count('* as n')
        .whereIn('congress_id', [...ids])
        .andWhere('status', 'ACTIVE')
        .groupBy('congress_id');
      const map = new Map(rows.map((r) => [r.congress_id, Number(r.n)]));
      return ids.map((id) => map.get(id) ?? 0);
    })
    .load(congressId);
}

function membersBy(ctx: ServiceContext, column: 'groupId' | 'stationId', id: string): Promise<Deputy[]> {
  return ctx.loaders
    .get<string, Deputy[]>(`Deputy.by.${column}`, async (ids) => {
      const rows = await ctx.em.find(DeputySchema, { [column]: { $in: [...ids] } }, { orderBy: { name: 'asc' } });
      return groupBy(ids, rows, (r) => r[column]!);
    })
    .load(id);
}

export const groupMembers = (ctx: ServiceContext, groupId: string) => membersBy(ctx, 'groupId', groupId);
export const stationDeputies = (ctx: ServiceContext, stationId: string) => membersBy(ctx, 'stationId', stationId);

export async function createGroup(
  ctx: ServiceContext,
  input: { regionCode: string; name: string },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<DeputyGroup> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'create deputy groups');
  const group = ctx.em.create(DeputyGroupSchema, {
    id,
    regionCode,
    name: requireText(input.name, 'input.name', 200),
  });
  await ctx.em.flush();
  return group;
}

export async function createStation(
  ctx: ServiceContext,
  input: { regionCode: string; name: string; address: string; establishedOn?: string | null },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<LiaisonStation> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'create liaison stations');
  const established = input.establishedOn ?? today(ctx.clock);
  if (established > today(ctx.clock)) throw badInput('`establishedOn` may not be after today.', 'input.establishedOn');
  const station = ctx.em.create(LiaisonStationSchema, {
    id,
    regionCode,
    name: requireText(input.name, 'input.name', 200),
    address: requireText(input.address, 'input.address', 300),
    premises: false,
    rules: false,
    plan: false,
    activities: false,
    records: false,
    results: false,
    establishedOn: established,
    closedOn: null,
  });
  await ctx.em.flush();
  return station;
}

/** F-1: closes a station on a day, so later years' figures leave it out. */
export async function closeStation(ctx: ServiceContext, id: string, closedOn: string): Promise<LiaisonStation> {
  const station = await stationLoader(ctx).load(id);
  if (!station) throw notFound('liaison station', id);
  requireWriteIn(ctx.viewer, station.regionCode, 'close liaison stations');
  if (station.closedOn) throw conflict(`The station closed on ${station.closedOn} already.`);
  if (closedOn > today(ctx.clock)) throw badInput('`closedOn` may not be after today.', 'closedOn');
  if (station.establishedOn && closedOn < station.establishedOn) {
    throw badInput(
      `\`closedOn\` may not be before the station was established (${station.establishedOn}).`,
      'closedOn',
    );
  }
  station.closedOn = closedOn;
  await ctx.em.flush();
  return station;
}

export type StationStandardsInput = Pick<
  LiaisonStation,
  'premises' | 'rules' | 'plan' | 'activities' | 'records' | 'results'
>;

/** D-9: records which of the six standards a station meets. */
export async function setStationStandards(
  ctx: ServiceContext,
  id: string,
  input: StationStandardsInput,
): Promise<LiaisonStation> {
  const station = await stationLoader(ctx).load(id);
  if (!station) throw notFound('liaison station', id);
  requireWriteIn(ctx.viewer, station.regionCode, 'assess liaison stations');
  Object.assign(station, {
    premises: input.premises,
    rules: input.rules,
    plan: input.plan,
    activities: input.activities,
    records: input.records,
    results: input.results,
  });
  await ctx.em.flush();
  return station;
}

/** D-9: a station is compliant when all six standards are met. */
export function stationCompliant(s: StationStandardsInput): boolean {
  return s.premises && s.rules && s.plan && s.activities && s.records && s.results;
}

/** The staff console's list of stations of a region subtree (D-1: a subtree is a code prefix). */
export function listStations(
  ctx: ServiceContext,
  regionCode: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<LiaisonStation>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  return pageById(ctx.em, LiaisonStationSchema, { regionCode: { $like: `${code}%` } }, first, after);
}

/** The staff console's list of deputy groups of a region subtree. */
export function listGroups(
  ctx: ServiceContext,
  regionCode: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<DeputyGroup>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  return pageById(ctx.em, DeputyGroupSchema, { regionCode: { $like: `${code}%` } }, first, after);
}
