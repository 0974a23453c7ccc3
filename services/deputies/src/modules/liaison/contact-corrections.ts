import type { Viewer } from '@renda/auth/viewer';
import { badInput, conflict, notFound } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct, withdraw } from '@renda/server-kit/corrections';
import { today } from '@renda/server-kit/dates';
import { requireText } from '@renda/server-kit/validate';
import { deputyLoader } from '../deputies/deputies.service.ts';
import { congressLoader } from '../regions/regions.service.ts';
import { ContactRecordSchema, type ContactKind, type ContactMethod, type ContactRecord } from './liaison.entity.ts';
import { requireContactRecorder } from './liaison.service.ts';

export interface CorrectContactInput {
  occurredOn?: string | null;
  kind?: ContactKind | null;
  method?: ContactMethod | null;
  participants?: number | null;
  summary?: string | null;
  opinions?: string[] | null;
}

/** Kinds a correction may turn into each other: they name the same references (a deputy and voters). */
const interchangeableKinds: ContactKind[] = ['VOTER', 'DUTY_REPORT'];

/**
 * The contact to correct or withdraw, for whoever may record it; refused with the reason when withdrawn or
 * frozen. A duty report the voters have evaluated (D-15) is frozen: the evaluation was made on it as it stands.
 */
async function editableContact(ctx: ServiceContext, id: string): Promise<{ record: ContactRecord; viewer: Viewer }> {
  const record = isId(id) ? await ctx.em.findOne(ContactRecordSchema, { id }) : null;
  if (!record) throw notFound('contact record', id, 'id');
  const deputy = await deputyLoader(ctx).load(record.deputyId);
  if (!deputy) throw notFound('contact record', id, 'id');
  const viewer = await requireContactRecorder(ctx, deputy, record);
  if (record.withdrawnAt) throw conflict('This contact was withdrawn; a withdrawn record is not changed again.');
  if (record.kind === 'DUTY_REPORT' && record.voterSatisfied != null) {
    throw conflict(
      'The voters have evaluated this duty report (D-15): it stays as they evaluated it, and is neither corrected nor withdrawn.',
    );
  }
  return { record, viewer };
}

/** 更正 corrects the fields a clerk may have mistyped; one audit entry, in one transaction. */
export async function correctContact(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectContactInput,
  reason: string,
): Promise<ContactRecord> {
  const { record, viewer } = await editableContact(ctx, id);
  const patch: Partial<ContactRecord> = {};
  if (input.occurredOn != null) {
    if (input.occurredOn > today(ctx.clock))
      throw badInput('`occurredOn` may not be in the future.', 'input.occurredOn');
    const deputy = await deputyLoader(ctx).load(record.deputyId);
    const congress = deputy ? await congressLoader(ctx).load(deputy.congressId) : null;
    if (congress && input.occurredOn < congress.startsOn)
      throw badInput(
        `\`occurredOn\` (${input.occurredOn}) is before ${congress.name} began (${congress.startsOn}).`,
        'input.occurredOn',
      );
    patch.occurredOn = input.occurredOn;
  }
  if (input.kind != null && input.kind !== record.kind) {
    if (!interchangeableKinds.includes(record.kind) || !interchangeableKinds.includes(input.kind))
      throw badInput(
        `A ${record.kind} contact cannot become a ${input.kind} one: only VOTER and DUTY_REPORT, which name the same references, are corrected into each other; withdraw it and record it again.`,
        'input.kind',
      );
    patch.kind = input.kind;
  }
  if (input.method != null) patch.method = input.method;
  if (input.participants != null) {
    if (!interchangeableKinds.includes(patch.kind ?? record.kind))
      throw badInput(`A ${record.kind} contact counts no voters.`, 'input.participants');
    if (!Number.isInteger(input.participants) || input.participants < 1)
      throw badInput('`participants` counts the voters who took part, at least 1.', 'input.participants');
    patch.participants = input.participants;
  }
  if (input.summary != null) patch.summary = requireText(input.summary, 'input.summary', 4000);
  if (input.opinions != null)
    patch.opinions = input.opinions.map((o, i) => requireText(o, `input.opinions[${i}]`, 1000));
  correct(
    ctx.em,
    {
      kind: 'ContactRecord',
      record,
      id: record.id,
      regionCode: record.regionCode,
      expectedVersion: version,
      reason,
      viewer,
      at: ctx.clock.now(),
    },
    patch,
  );
  // The rollups' trigger recounts the deputy's duty figures in this transaction when the date or kind changed.
  await ctx.em.flush();
  return record;
}

/** 撤回 withdraws a contact: it leaves the lists and the duty figures (the rollups' trigger, same transaction). */
export async function withdrawContact(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<ContactRecord> {
  const { record, viewer } = await editableContact(ctx, id);
  withdraw(
    ctx.em,
    {
      kind: 'ContactRecord',
      record,
      id: record.id,
      regionCode: record.regionCode,
      expectedVersion: version,
      reason,
      viewer,
      at: ctx.clock.now(),
    },
    { withdrawnAt: ctx.clock.now() },
  );
  await ctx.em.flush();
  return record;
}
