import { defineEntity, p } from '@mikro-orm/postgresql';
import { itemKey, type Row } from '../suggestions/suggestion.entity.ts';
import { actorProperties } from './actor.ts';

export const contactPhases = ['BEFORE', 'DURING', 'AFTER'] as const;
export type ContactPhase = (typeof contactPhases)[number];
export const contactMethods = ['VISIT', 'PHONE', 'MEETING', 'LETTER', 'ONLINE'] as const;
export type ContactMethod = (typeof contactMethods)[number];

/** 办理进度: the lead unit's report of how far handling has come and what stands in its way (S-10). */
export const ProgressReportSchema = defineEntity({
  name: 'ProgressReportRow',
  tableName: 'progress_reports',
  // Check expressions as PostgreSQL prints them, so the migration generator sees no difference.
  checks: [{ name: 'progress_reports_percent_check', expression: '(percent >= 0) AND (percent <= 100)' }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: () => itemKey().index(),
    round: p.integer(),
    unitId: p.uuid(),
    percent: p.integer(),
    content: p.text(),
    difficulties: p.text().nullable(),
    reportedOn: p.date().index(),
    at: p.datetime(),
    ...actorProperties(),
  },
});
export type ProgressReportRow = Row<typeof ProgressReportSchema>;

/** 协办意见: a co-handler's part, sent to the lead unit (S-4, S-10). */
export const ContributionSchema = defineEntity({
  name: 'ContributionRow',
  tableName: 'co_handler_contributions',
  properties: {
    id: p.uuid().primary(),
    suggestionId: () => itemKey().index(),
    round: p.integer(),
    unitId: p.uuid(),
    leadUnitId: p.uuid(),
    content: p.text(),
    sentOn: p.date(),
    at: p.datetime(),
    ...actorProperties(),
  },
});
export type ContributionRow = Row<typeof ContributionSchema>;

/** 沟通记录: the unit's contact with the lead deputy before, during or after handling, and the deputy's answer. */
export const DeputyContactSchema = defineEntity({
  name: 'DeputyContactRow',
  tableName: 'deputy_contacts',
  properties: {
    id: p.uuid().primary(),
    suggestionId: () => itemKey().index(),
    round: p.integer(),
    unitId: p.uuid().nullable(),
    phase: p.enum([...contactPhases]).columnType('varchar(8)'),
    method: p.enum([...contactMethods]).columnType('varchar(8)'),
    summary: p.text(),
    contactedOn: p.date(),
    at: p.datetime(),
    deputyReply: p.text().nullable(),
    deputyRepliedAt: p.datetime().nullable(),
    ...actorProperties(),
  },
});
export type DeputyContactRow = Row<typeof DeputyContactSchema>;
