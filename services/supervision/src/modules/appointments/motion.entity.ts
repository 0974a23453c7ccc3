import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { officialKey, unitKey } from '../units/unit.entity.ts';

export const appointmentKinds = ['APPOINT', 'REMOVE'] as const;
export type AppointmentKind = (typeof appointmentKinds)[number];
export const motionStatuses = ['SUBMITTED', 'EXAM_PASSED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN'] as const;
export type MotionStatus = (typeof motionStatuses)[number];

/** 任免议案 (G-6). */
export const AppointmentMotionSchema = defineEntity({
  name: 'AppointmentMotion',
  tableName: 'appointment_motions',
  indexes: [
    regionPrefixIndex('appointment_motions', '"submitted_on"'),
    {
      // G-6: one motion to remove an official before the committee at a time (submitMotion's check, race-safe).
      name: 'appointment_motions_one_pending_removal',
      expression:
        'create unique index "appointment_motions_one_pending_removal" on "supervision"."appointment_motions" ("official_id") where "kind" = \'REMOVE\' and "status" = \'SUBMITTED\'',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    kind: p.enum([...appointmentKinds]).columnType('varchar(8)'),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    nomineeName: p.string().length(100),
    position: p.string().length(200),
    submittedBy: p.string().length(200),
    submittedOn: p.date(),
    status: p.enum([...motionStatuses]).columnType('varchar(12)'),
    examScore: p.double().$type<number>().runtimeType('number').nullable(),
    /** G-6: the exam's verdict against the pass mark in force that day (`passesExam`); null before the exam. */
    examPassed: p.boolean().nullable(),
    statement: p.text().nullable(),
    votesFor: p.integer().nullable(),
    votesAgainst: p.integer().nullable(),
    abstentions: p.integer().nullable(),
    membersTotal: p.integer().nullable(),
    votedOn: p.date().nullable(),
    swornInOn: p.date().nullable(),
    /** APPOINT: the official the approval created; REMOVE: the official to remove. */
    officialId: () => officialKey().nullable().index(),
  },
});
export type AppointmentMotion = InferEntity<typeof AppointmentMotionSchema>;
