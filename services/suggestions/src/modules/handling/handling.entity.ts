import { EntitySchema } from '@mikro-orm/postgresql';
import { actorProperties, type ActorColumns } from './actor.ts';

export type ContactPhase = 'BEFORE' | 'DURING' | 'AFTER';
export type ContactMethod = 'VISIT' | 'PHONE' | 'MEETING' | 'LETTER' | 'ONLINE';

/** 办理进度: the lead unit's report of how far handling has come and what stands in its way (S-10). */
export interface ProgressReportRow extends ActorColumns {
  id: string;
  suggestionId: string;
  round: number;
  unitId: string;
  percent: number;
  content: string;
  difficulties: string | null;
  reportedOn: string;
  at: Date;
}

export const ProgressReportSchema = new EntitySchema<ProgressReportRow>({
  name: 'ProgressReportRow',
  tableName: 'progress_reports',
  // Check expressions as PostgreSQL prints them, so the migration generator sees no difference.
  checks: [{ name: 'progress_reports_percent_check', expression: '(percent >= 0) AND (percent <= 100)' }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid', index: true },
    round: { type: 'integer' },
    unitId: { type: 'uuid' },
    percent: { type: 'integer' },
    content: { type: 'text' },
    difficulties: { type: 'text', nullable: true },
    reportedOn: { type: 'date', index: true },
    at: { type: 'datetime' },
    ...actorProperties,
  },
});

/** 协办意见: a co-handler's part, sent to the lead unit (S-4, S-10). */
export interface ContributionRow extends ActorColumns {
  id: string;
  suggestionId: string;
  round: number;
  unitId: string;
  leadUnitId: string;
  content: string;
  sentOn: string;
  at: Date;
}

export const ContributionSchema = new EntitySchema<ContributionRow>({
  name: 'ContributionRow',
  tableName: 'co_handler_contributions',
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid', index: true },
    round: { type: 'integer' },
    unitId: { type: 'uuid' },
    leadUnitId: { type: 'uuid' },
    content: { type: 'text' },
    sentOn: { type: 'date' },
    at: { type: 'datetime' },
    ...actorProperties,
  },
});

/** 沟通记录: the unit's contact with the lead deputy before, during or after handling, and the deputy's answer. */
export interface DeputyContactRow extends ActorColumns {
  id: string;
  suggestionId: string;
  round: number;
  unitId: string | null;
  phase: ContactPhase;
  method: ContactMethod;
  summary: string;
  contactedOn: string;
  at: Date;
  deputyReply: string | null;
  deputyRepliedAt: Date | null;
}

export const DeputyContactSchema = new EntitySchema<DeputyContactRow>({
  name: 'DeputyContactRow',
  tableName: 'deputy_contacts',
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid', index: true },
    round: { type: 'integer' },
    unitId: { type: 'uuid', nullable: true },
    phase: { type: 'string', length: 8 },
    method: { type: 'string', length: 8 },
    summary: { type: 'text' },
    contactedOn: { type: 'date' },
    at: { type: 'datetime' },
    deputyReply: { type: 'text', nullable: true },
    deputyRepliedAt: { type: 'datetime', nullable: true },
    ...actorProperties,
  },
});
