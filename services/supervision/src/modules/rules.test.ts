import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '@renda/server-kit/dates';
import { isApproved, motionTransitions, passesExam } from './appointments/appointments.service.ts';
import { filingDueOn, isFiledLate, reviewTransitions } from './filings/filings.service.ts';
import { majorMatterTransitions, reportedBeforeDecision } from './major-matters/major-matters.service.ts';
import { inquiryTransitions } from './inquiries/inquiries.service.ts';
import { opinionTransitions } from './opinions/opinions.service.ts';
import { canMove } from './common/transitions.ts';
import type { MajorMatter } from './major-matters/major-matter.entity.ts';

const dates = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('state machines are explicit tables', () => {
  it('G-6: APPOINT runs exam → vote → oath; REMOVE runs the vote only', () => {
    const a = motionTransitions.APPOINT;
    expect(a.SUBMITTED).toEqual(['EXAM_PASSED', 'EXAM_FAILED']);
    expect(a.EXAM_PASSED).toEqual(['APPROVED', 'REJECTED']);
    expect(a.APPROVED).toEqual(['SWORN_IN']);
    for (const final of ['EXAM_FAILED', 'REJECTED', 'SWORN_IN'] as const) expect(a[final]).toEqual([]);
    expect(motionTransitions.REMOVE.SUBMITTED).toEqual(['APPROVED', 'REJECTED']);
    expect(canMove(motionTransitions.REMOVE, 'APPROVED', 'SWORN_IN')).toBe(false);
    expect(canMove(a, 'SUBMITTED', 'APPROVED')).toBe(false);
  });

  it('G-2: review PENDING → NO_ISSUE | CORRECTION_REQUESTED → CORRECTED | REVOKED, nothing else', () => {
    const allowed = Object.entries(reviewTransitions).flatMap(([from, to]) => to.map((t) => `${from}→${t}`));
    expect(allowed.sort()).toEqual([
      'CORRECTION_REQUESTED→CORRECTED',
      'CORRECTION_REQUESTED→REVOKED',
      'PENDING→CORRECTION_REQUESTED',
      'PENDING→NO_ISSUE',
    ]);
  });

  it('G-1: a major matter may be decided unreported, but never reported after the decision', () => {
    expect(canMove(majorMatterTransitions, 'PLANNED', 'DECIDED')).toBe(true);
    expect(canMove(majorMatterTransitions, 'DECIDED', 'REPORTED')).toBe(false);
    const matter = (status: MajorMatter['status'], reportedOn: string | null) => ({
      id: 'x',
      title: 't',
      unitId: 'u',
      regionCode: '430181',
      year: 2026,
      status,
      reportedOn,
      decidedOn: null,
    });
    expect(reportedBeforeDecision(matter('DECIDED', null))).toBe(false);
    expect(reportedBeforeDecision(matter('DECIDED', '2026-01-01'))).toBe(true);
    expect(reportedBeforeDecision(matter('REPORTED', '2026-01-01'))).toBeNull();
  });

  it('G-3 and G-4: opinion items and inquiries', () => {
    expect(opinionTransitions).toEqual({ OPEN: ['REPORTED'], REPORTED: ['CLOSED'], CLOSED: [] });
    expect(inquiryTransitions.REANSWER_REQUIRED).toEqual(['ANSWERED']);
    expect(inquiryTransitions.CLOSED).toEqual([]);
  });
});

describe('rules as functions', () => {
  it('G-2: the filing deadline is always 30 calendar days after publication; day 30 on time, day 31 late', () => {
    fc.assert(
      fc.property(dates, (published) => {
        const due = filingDueOn(published);
        expect(daysBetween(published, due)).toBe(30);
        expect(isFiledLate({ filedOn: addDays(published, 30), filingDueOn: due })).toBe(false);
        expect(isFiledLate({ filedOn: addDays(published, 31), filingDueOn: due })).toBe(true);
      }),
    );
    expect(filingDueOn('2025-12-15')).toBe('2026-01-14');
    expect(filingDueOn('2024-01-31')).toBe('2024-03-01');
  });

  it('G-6 (law): approval is FOR > half of all members', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), (members, votesFor) => {
        fc.pre(votesFor <= members);
        expect(isApproved({ votesFor, membersTotal: members })).toBe(votesFor > members / 2);
      }),
    );
  });

  it('G-6 (local): the exam passes at the pass mark in force, not below it', () => {
    expect(passesExam(60, { examPassScore: 60 })).toBe(true);
    expect(passesExam(59.5, { examPassScore: 60 })).toBe(false);
    expect(passesExam(70, { examPassScore: 75 })).toBe(false);
  });
});
