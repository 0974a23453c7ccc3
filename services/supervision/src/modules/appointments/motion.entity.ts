import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type AppointmentKind = 'APPOINT' | 'REMOVE';
export type MotionStatus = 'SUBMITTED' | 'EXAM_PASSED' | 'EXAM_FAILED' | 'APPROVED' | 'REJECTED' | 'SWORN_IN';

/** 任免议案 (G-6). */
export interface AppointmentMotion {
  id: string;
  kind: AppointmentKind;
  unitId: string;
  regionCode: string;
  nomineeName: string;
  position: string;
  submittedBy: string;
  submittedOn: string;
  status: MotionStatus;
  examScore: number | null;
  statement: string | null;
  votesFor: number | null;
  votesAgainst: number | null;
  abstentions: number | null;
  membersTotal: number | null;
  votedOn: string | null;
  swornInOn: string | null;
  /** APPOINT: the official the approval created; REMOVE: the official to remove. */
  officialId: string | null;
}

export const AppointmentMotionSchema = new EntitySchema<AppointmentMotion>({
  name: 'AppointmentMotion',
  tableName: 'appointment_motions',
  indexes: [regionPrefixIndex('appointment_motions', '"submitted_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 8 },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    nomineeName: { type: 'string', length: 100 },
    position: { type: 'string', length: 200 },
    submittedBy: { type: 'string', length: 200 },
    submittedOn: { type: 'date' },
    status: { type: 'string', length: 12 },
    examScore: { type: 'double', runtimeType: 'number', nullable: true },
    statement: { type: 'text', nullable: true },
    votesFor: { type: 'integer', nullable: true },
    votesAgainst: { type: 'integer', nullable: true },
    abstentions: { type: 'integer', nullable: true },
    membersTotal: { type: 'integer', nullable: true },
    votedOn: { type: 'date', nullable: true },
    swornInOn: { type: 'date', nullable: true },
    officialId: { type: 'uuid', nullable: true, index: true },
  },
});
