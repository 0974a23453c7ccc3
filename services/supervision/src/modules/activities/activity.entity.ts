import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const activityKinds = ['VISIT', 'RESEARCH', 'SPECIAL_INQUIRY'] as const;
export type ActivityKind = (typeof activityKinds)[number];

/**
 * 视察、调研、专题询问 (G-7): held with deputies invited and the government taking part; its opinions
 * become checklist items (opinion items, source ACTIVITY).
 */
export const SupervisionActivitySchema = defineEntity({
  name: 'SupervisionActivity',
  tableName: 'supervision_activities',
  indexes: [regionPrefixIndex('supervision_activities', '"held_on"')],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9),
    kind: p.enum([...activityKinds]).columnType('varchar(15)'),
    subject: p.text(),
    heldOn: p.date(),
    findings: p.text().nullable(),
  },
});
export type SupervisionActivity = InferEntity<typeof SupervisionActivitySchema>;

const activityKey = () =>
  p
    .manyToOne(SupervisionActivitySchema)
    .mapToPk()
    .fieldName('activity_id')
    .updateRule('no action')
    .deleteRule('no action')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .primary();

/** A deputy invited to an activity (a deputy's id is the deputies service's: no key). */
export const ActivityDeputySchema = defineEntity({
  name: 'ActivityDeputy',
  tableName: 'activity_deputies',
  properties: {
    activityId: () => activityKey(),
    deputyId: p.uuid().primary().index(),
  },
});

/** A government unit taking part (its heads attend, answer questions, report). */
export const ActivityUnitSchema = defineEntity({
  name: 'ActivityUnit',
  tableName: 'activity_units',
  properties: {
    activityId: () => activityKey(),
    unitId: () => unitKey().primary().index(),
  },
});
