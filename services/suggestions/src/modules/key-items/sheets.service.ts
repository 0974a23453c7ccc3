import { requireReadIn } from '@renda/auth/guards';
import { badInput } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { daysBetween, today } from '@renda/server-kit/dates';
import { decodeCursor, encodeCursor, pageInfoOf, pageSize, type Connection } from '@renda/server-kit/pagination';
import { requireRegionCode } from '@renda/server-kit/validate';
import { ProgressReportSchema } from '../handling/handling.entity.ts';
import { sheetLoader } from '../suggestions/loaders.ts';
import {
  SheetSchema,
  SuggestionSchema,
  type SheetKind,
  type SheetRow,
  type Suggestion,
  type SuggestionStage,
} from '../suggestions/suggestion.entity.ts';
import { isOverdue, serialOf } from '../suggestions/suggestions.service.ts';
import { CommitteeVoteSchema, KeyHearingSchema } from './key-items.entity.ts';
import { overdueSheetKeys } from './key-items.store.ts';

/** S-5: a sheet still unanswered after its due date (`on` is today in Asia/Shanghai); a withdrawn one is not. */
export function isSheetOverdue(sheet: Pick<SheetRow, 'answeredOn' | 'dueOn' | 'withdrawnAt'>, on: string): boolean {
  return sheet.answeredOn === null && sheet.withdrawnAt === null && on > sheet.dueOn;
}

/** 逾期未复 (S-5): unanswered sheets past due in a region subtree, earliest due first (keyset by due date and id). */
export async function overdueSheets(
  ctx: ServiceContext,
  regionCode: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<SheetRow>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'overdue supervision sheets');
  const limit = pageSize(first);
  const cursor = decodeCursor(after);
  const [afterDue, afterId] = cursor?.split('|') ?? [];
  if (cursor !== null && (!afterDue || !/^\d{4}-\d{2}-\d{2}$/.test(afterDue) || !afterId || !isId(afterId))) {
    throw badInput('`after` is not a cursor this API issued.', 'after');
  }
  // The SQL form of `isSheetOverdue` is the store's, measured today.
  const { count, keys } = await overdueSheetKeys(
    ctx.em,
    code,
    today(ctx.clock),
    cursor ? [afterDue!, afterId!] : null,
    limit,
  );
  const rows = keys.length ? await ctx.em.find(SheetSchema, { id: { $in: keys.map((k) => k.id) } }) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of rows) sheetLoader(ctx).prime(row.id, row);
  const edges = keys.slice(0, limit).map((k) => ({ cursor: encodeCursor(`${k.due}|${k.id}`), node: byId.get(k.id)! }));
  return { edges, pageInfo: pageInfoOf(edges, keys.length > limit, cursor !== null), totalCount: Number(count) };
}

export type BulletinEntry = 'KEY_ITEM' | 'SHEET' | 'PROGRESS' | 'HEARING' | 'VOTE';

export interface BulletinRow {
  entry: BulletinEntry;
  suggestionId: string;
  serial: string;
  title: string;
  regionCode: string;
  stage: SuggestionStage;
  leadOfficial: string | null;
  keySupervisor: string | null;
  unitId: string | null;
  on: string | null;
  sheetKind: SheetKind | null;
  dueOn: string | null;
  answeredOn: string | null;
  overdue: boolean;
  percent: number | null;
  text: string | null;
  detail: string | null;
  membersPresent: number | null;
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}

/** A bulletin covers at most a year (and a day, for leap years). */
const maxBulletinDays = 366;

const entryOrder: Record<BulletinEntry, number> = { KEY_ITEM: 0, SHEET: 1, PROGRESS: 2, HEARING: 3, VOTE: 4 };

/**
 * 督查专报 (003 art. 5): the key items of a region subtree assigned by `to`, and their sheets, progress
 * reports, hearings and votes dated in [from, to], as one flat table. Five statements whatever the size.
 */
export async function supervisionBulletin(ctx: ServiceContext, regionCode: string, from: string, to: string) {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'the supervision bulletin');
  if (from > to) throw badInput('`from` must not be after `to`.', 'from');
  if (daysBetween(from, to) >= maxBulletinDays) {
    throw badInput(`A bulletin covers at most ${maxBulletinDays} days.`, 'to');
  }
  const now = today(ctx.clock);
  const asOf = to < now ? to : now;
  const items = await ctx.em.find(
    SuggestionSchema,
    { isKey: true, regionCode: { $like: `${code}%` }, assignedOn: { $lte: to } },
    { orderBy: { registerKey: 'asc', serialNumber: 'asc' } },
  );
  const ids = items.map((i) => i.id);
  const inPeriod = (field: string) => ({ suggestionId: { $in: ids }, [field]: { $gte: from, $lte: to } });
  const [sheets, progress, hearings, votes, overdueOpen] = ids.length
    ? await Promise.all([
        ctx.em.find(SheetSchema, { ...inPeriod('issuedOn'), withdrawnAt: null } as never, {
          orderBy: { issuedOn: 'asc', id: 'asc' },
        }),
        ctx.em.find(ProgressReportSchema, inPeriod('reportedOn') as never, {
          orderBy: { reportedOn: 'asc', at: 'asc' },
        }),
        ctx.em.find(KeyHearingSchema, inPeriod('heldOn') as never, { orderBy: { heldOn: 'asc', at: 'asc' } }),
        ctx.em.find(CommitteeVoteSchema, inPeriod('votedOn') as never, { orderBy: { votedOn: 'asc' } }),
        ctx.em.count(SheetSchema, {
          suggestionId: { $in: ids },
          answeredOn: null,
          withdrawnAt: null,
          dueOn: { $lt: asOf },
        }),
      ])
    : [[], [], [], [], 0];
  const base = (item: Suggestion) => ({
    suggestionId: item.id,
    serial: serialOf(item),
    title: item.title,
    regionCode: item.regionCode,
    stage: item.stage,
    leadOfficial: item.leadOfficial ?? null,
    keySupervisor: item.keySupervisor ?? null,
  });
  const empty = {
    sheetKind: null,
    dueOn: null,
    answeredOn: null,
    overdue: false,
    percent: null,
    text: null,
    detail: null,
    membersPresent: null,
    satisfied: null,
    basicallySatisfied: null,
    dissatisfied: null,
  };
  const byId = new Map(items.map((i) => [i.id, i]));
  const rows: BulletinRow[] = items.map((item) => ({
    ...empty,
    ...base(item),
    entry: 'KEY_ITEM',
    unitId: item.leadUnitId ?? null,
    on: item.assignedOn ?? null,
    dueOn: item.replyDueOn ?? null,
    overdue: isOverdue(item, asOf),
    text: item.replyCategory ?? null,
  }));
  for (const s of sheets) {
    rows.push({
      ...empty,
      ...base(byId.get(s.suggestionId)!),
      entry: 'SHEET',
      unitId: s.unitId,
      on: s.issuedOn,
      sheetKind: s.kind,
      dueOn: s.dueOn,
      answeredOn: s.answeredOn ?? null,
      overdue: isSheetOverdue(s, asOf),
      text: s.content,
    });
  }
  for (const p of progress) {
    const item = byId.get(p.suggestionId)!;
    const facts = { percent: p.percent, text: p.content, detail: p.difficulties ?? null };
    rows.push({ ...empty, ...base(item), entry: 'PROGRESS', unitId: p.unitId, on: p.reportedOn, ...facts });
  }
  for (const h of hearings) {
    const item = byId.get(h.suggestionId)!;
    const facts = { text: h.summary, detail: h.decisions ?? null };
    rows.push({ ...empty, ...base(item), entry: 'HEARING', unitId: item.leadUnitId ?? null, on: h.heldOn, ...facts });
  }
  for (const v of votes) {
    const item = byId.get(v.suggestionId)!;
    const { membersPresent, satisfied, basicallySatisfied, dissatisfied } = v;
    const tally = { membersPresent, satisfied, basicallySatisfied, dissatisfied };
    rows.push({ ...empty, ...base(item), entry: 'VOTE', unitId: item.leadUnitId ?? null, on: v.votedOn, ...tally });
  }
  const position = new Map(ids.map((id, i) => [id, i]));
  rows.sort(
    (a, b) =>
      position.get(a.suggestionId)! - position.get(b.suggestionId)! ||
      entryOrder[a.entry] - entryOrder[b.entry] ||
      (a.on ?? '').localeCompare(b.on ?? ''),
  );
  return { regionCode: code, from, to, keyItems: items.length, overdueSheets: overdueOpen, rows };
}
