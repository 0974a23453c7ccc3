import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../units/refs.ts';

export type ReportKind =
  | 'WORK_REPORT'
  | 'SPECIAL_REPORT'
  | 'LAW_IMPLEMENTATION'
  | 'BUDGET_EXECUTION'
  | 'AUDIT_RECTIFICATION'
  | 'STATE_ASSETS'
  | 'GOVERNMENT_DEBT';
export type OpinionStatus = 'OPEN' | 'REPORTED' | 'CLOSED';
/** What produced an opinion item (G-3, G-4). */
/**
 * Where an item comes from; RESOLUTION: a task of a congress resolution or decision (G-1); ACTIVITY: an
 * opinion of a visit, research or special inquiry (G-7).
 */
export type OpinionSource = 'REPORT' | 'INSPECTION' | 'EVALUATION' | 'RESOLUTION' | 'ACTIVITY';

/** A report heard by the standing committee (G-1). */
export interface Report {
  id: string;
  kind: ReportKind;
  title: string;
  unitId: string;
  regionCode: string;
  heardOn: string;
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}

export const ReportSchema = new EntitySchema<Report>({
  name: 'Report',
  tableName: 'reports',
  indexes: [regionPrefixIndex('reports', '"heard_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 24 },
    title: { type: 'string', length: 300 },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    heardOn: { type: 'date' },
    satisfied: { type: 'integer', nullable: true },
    basicallySatisfied: { type: 'integer', nullable: true },
    dissatisfied: { type: 'integer', nullable: true },
  },
});

/** 审议意见清单 item (G-3): region code of the unit that owns it. */
export interface OpinionItem {
  id: string;
  sourceKind: OpinionSource;
  sourceId: string;
  unitId: string;
  regionCode: string;
  content: string;
  dueOn: string;
  status: OpinionStatus;
  reportedOn: string | null;
  closedOn: string | null;
}

export const OpinionItemSchema = new EntitySchema<OpinionItem>({
  name: 'OpinionItem',
  tableName: 'opinion_items',
  indexes: [{ properties: ['sourceId'] }, regionPrefixIndex('opinion_items', '"due_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    sourceKind: { type: 'string', length: 10 },
    sourceId: { type: 'uuid' },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    content: { type: 'text' },
    dueOn: { type: 'date' },
    status: { type: 'string', length: 8 },
    reportedOn: { type: 'date', nullable: true },
    closedOn: { type: 'date', nullable: true },
  },
});

/** 执法检查 (G-4). */
export interface LawInspection {
  id: string;
  lawName: string;
  regionCode: string;
  startsOn: string;
  endsOn: string | null;
  findings: string | null;
}

export const LawInspectionSchema = new EntitySchema<LawInspection>({
  name: 'LawInspection',
  tableName: 'law_inspections',
  indexes: [regionPrefixIndex('law_inspections', '"starts_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    lawName: { type: 'string', length: 200 },
    regionCode: { type: 'string', length: 9 },
    startsOn: { type: 'date' },
    endsOn: { type: 'date', nullable: true },
    findings: { type: 'text', nullable: true },
  },
});

/** A deputy invited to an inspection. */
export interface InspectionDeputy {
  inspectionId: string;
  deputyId: string;
}

export const InspectionDeputySchema = new EntitySchema<InspectionDeputy>({
  name: 'InspectionDeputy',
  tableName: 'inspection_deputies',
  properties: {
    inspectionId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

/** A standing-committee member on an inspection. */
export interface InspectionMember {
  inspectionId: string;
  memberId: string;
}

export const InspectionMemberSchema = new EntitySchema<InspectionMember>({
  name: 'InspectionMember',
  tableName: 'inspection_members',
  properties: {
    inspectionId: { type: 'uuid', primary: true },
    memberId: { type: 'uuid', primary: true, index: true },
  },
});

/** 专项工作评议 of one unit (G-4). */
export interface WorkEvaluation {
  id: string;
  unitId: string;
  regionCode: string;
  year: number;
  subject: string;
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}

export const WorkEvaluationSchema = new EntitySchema<WorkEvaluation>({
  name: 'WorkEvaluation',
  tableName: 'work_evaluations',
  indexes: [regionPrefixIndex('work_evaluations', '"year"')],
  properties: {
    id: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    subject: { type: 'string', length: 300 },
    satisfied: { type: 'integer', nullable: true },
    basicallySatisfied: { type: 'integer', nullable: true },
    dissatisfied: { type: 'integer', nullable: true },
  },
});
