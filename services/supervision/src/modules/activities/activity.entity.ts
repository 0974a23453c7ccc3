import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type ActivityKind = 'VISIT' | 'RESEARCH' | 'SPECIAL_INQUIRY';

/**
 * 视察、调研、专题询问 (G-7): held with deputies invited and the government taking part; its opinions
 * become checklist items (opinion items, source ACTIVITY).
 */
export interface SupervisionActivity {
  id: string;
  regionCode: string;
  kind: ActivityKind;
  subject: string;
  heldOn: string;
  findings: string | null;
}

export const SupervisionActivitySchema = new EntitySchema<SupervisionActivity>({
  name: 'SupervisionActivity',
  tableName: 'supervision_activities',
  indexes: [regionPrefixIndex('supervision_activities', '"held_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9 },
    kind: { type: 'string', length: 15 },
    subject: { type: 'text' },
    heldOn: { type: 'date' },
    findings: { type: 'text', nullable: true },
  },
});

/** A deputy invited to an activity. */
export interface ActivityDeputy {
  activityId: string;
  deputyId: string;
}

export const ActivityDeputySchema = new EntitySchema<ActivityDeputy>({
  name: 'ActivityDeputy',
  tableName: 'activity_deputies',
  properties: {
    activityId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

/** A government unit taking part (its heads attend, answer questions, report). */
export interface ActivityUnit {
  activityId: string;
  unitId: string;
}

export const ActivityUnitSchema = new EntitySchema<ActivityUnit>({
  name: 'ActivityUnit',
  tableName: 'activity_units',
  properties: {
    activityId: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', primary: true, index: true },
  },
});
