import { EntitySchema } from '@mikro-orm/postgresql';

export type SuggestionKind = 'SUGGESTION' | 'MOTION' | 'CPPCC_PROPOSAL' | 'VOTER_OPINION';
export type SuggestionGrade = 'LEVEL_1' | 'LEVEL_2' | 'LEVEL_3' | 'LEVEL_4';
export type SuggestionStage =
  | 'RECEIVED'
  | 'ASSIGNED'
  | 'HANDLING'
  | 'SUPERVISED'
  | 'REVIEWED'
  | 'REPLIED'
  | 'INSPECTED'
  | 'FOLLOWED_UP'
  | 'EVALUATED'
  | 'SUMMARIZED'
  | 'PUBLISHED'
  | 'ARCHIVED';
export type ReplyCategory = 'SOLVED' | 'PLANNED' | 'EXPLAINED';
export type Satisfaction = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';
export type SheetKind = 'ASSIGNMENT' | 'SUPERVISION' | 'REMINDER';
export type UnitRole = 'LEAD' | 'CO_HANDLER';

/**
 * One item in the register. Besides what it says, it keeps the facts the statistics count
 * (current round's reply category and timeliness, latest evaluation's result and risk, lead unit),
 * so one indexed scan over (year, region code prefix) aggregates a province.
 */
export interface Suggestion {
  id: string;
  kind: SuggestionKind;
  regionCode: string;
  /** Calendar year of registration (Asia/Shanghai). */
  year: number;
  sessionId: string | null;
  /** The register the serial counts in: the session id, or `<region>:<year>` outside sessions. */
  registerKey: string;
  serialNumber: number;
  title: string;
  content: string;
  category: string | null;
  leadDeputyId: string | null;
  proposerName: string | null;
  /** D-10: the contact whose voter opinion this VOTER_OPINION item refers for an answer, and which opinion. */
  sourceContactId?: string | null;
  sourceOpinionIndex?: number | null;
  stage: SuggestionStage;
  /** Handling round: 1, 2 after a dissatisfied evaluation sent it back. */
  round: number;
  grade: SuggestionGrade | null;
  leadOfficial: string | null;
  /** GovernmentLeader (deputies subgraph) named as the lead official of a level 1 or 2 item, when given. */
  leadOfficialId: string | null;
  complex: boolean;
  isKey: boolean;
  keySupervisor: string | null;
  leadUnitId: string | null;
  assignedOn: string | null;
  replyDueOn: string | null;
  /** Current round's reply (null while handled). */
  replyCategory: ReplyCategory | null;
  repliedOn: string | null;
  replyOnTime: boolean | null;
  /** Result rating of the latest evaluation round. */
  latestResult: Satisfaction | null;
  /** Coercion risk of the latest evaluation round. */
  coercionRisk: boolean;
  rehandling: boolean;
  published: boolean;
  registeredAt: Date;
  registeredBy: string;
  /** Steps taken so far; the next step's ordinal. */
  stepCount: number;
  /** Optimistic lock: two steps racing on one item, the second gets CONFLICT. */
  version: number;
}

const statColumns =
  '"is_key", "reply_category", "reply_on_time", "reply_due_on", "replied_on", "latest_result", "coercion_risk"';

export const SuggestionSchema = new EntitySchema<Suggestion>({
  name: 'Suggestion',
  tableName: 'suggestions',
  // Partitioned by year; the serial's uniqueness across years, one item per id and per referred opinion (D-10)
  // are kept by the key registry `suggestion_keys` (Migration20261130145000).
  indexes: [
    {
      name: 'suggestions_year_region_prefix',
      expression: `create index "suggestions_year_region_prefix" on "suggestions"."suggestions" ("year", "region_code" varchar_pattern_ops) include (${statColumns}, "lead_unit_id")`,
    },
    {
      name: 'suggestions_lead_unit_year',
      expression: `create index "suggestions_lead_unit_year" on "suggestions"."suggestions" ("lead_unit_id", "year") include (${statColumns}, "region_code")`,
    },
    {
      name: 'suggestions_published_region_prefix',
      expression:
        'create index "suggestions_published_region_prefix" on "suggestions"."suggestions" ("region_code" varchar_pattern_ops, "year") where "published"',
    },
    { name: 'suggestions_session_id_index', properties: ['sessionId'] },
    { name: 'suggestions_lead_deputy_year', properties: ['leadDeputyId', 'year'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 16 },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    sessionId: { type: 'uuid', nullable: true },
    registerKey: { type: 'string', length: 60 },
    serialNumber: { type: 'integer' },
    title: { type: 'string', length: 200 },
    content: { type: 'text' },
    category: { type: 'string', length: 50, nullable: true },
    leadDeputyId: { type: 'uuid', nullable: true },
    proposerName: { type: 'string', length: 100, nullable: true },
    sourceContactId: { type: 'uuid', nullable: true, index: true },
    sourceOpinionIndex: { type: 'integer', nullable: true },
    stage: { type: 'string', length: 12 },
    round: { type: 'integer', default: 1 },
    grade: { type: 'string', length: 8, nullable: true },
    leadOfficial: { type: 'string', length: 100, nullable: true },
    leadOfficialId: { type: 'uuid', nullable: true },
    complex: { type: 'boolean', default: false },
    isKey: { type: 'boolean', default: false },
    keySupervisor: { type: 'string', length: 100, nullable: true },
    leadUnitId: { type: 'uuid', nullable: true },
    assignedOn: { type: 'date', nullable: true },
    replyDueOn: { type: 'date', nullable: true },
    replyCategory: { type: 'string', length: 10, nullable: true },
    repliedOn: { type: 'date', nullable: true },
    replyOnTime: { type: 'boolean', nullable: true },
    latestResult: { type: 'string', length: 20, nullable: true },
    coercionRisk: { type: 'boolean', default: false },
    rehandling: { type: 'boolean', default: false },
    published: { type: 'boolean', default: false },
    registeredAt: { type: 'datetime' },
    registeredBy: { type: 'string', length: 200 },
    stepCount: { type: 'integer', default: 0 },
    version: { type: 'integer', version: true },
  },
});

/** A deputy who leads or co-signed an item (Deputy.suggestions reads by deputy and year). */
export interface SuggestionSigner {
  id: string;
  suggestionId: string;
  deputyId: string;
  lead: boolean;
  /** 0 for the lead, then the co-signers in the order given. */
  position: number;
  year: number;
}

export const SuggestionSignerSchema = new EntitySchema<SuggestionSigner>({
  name: 'SuggestionSigner',
  tableName: 'suggestion_signers',
  uniques: [{ name: 'suggestion_signers_suggestion_deputy_unique', properties: ['suggestionId', 'deputyId'] }],
  indexes: [{ name: 'suggestion_signers_deputy_year', properties: ['deputyId', 'year'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    deputyId: { type: 'uuid' },
    lead: { type: 'boolean' },
    position: { type: 'integer' },
    year: { type: 'integer' },
  },
});

/** 主办 or 协办 unit of an item. */
export interface HandlingUnitRow {
  id: string;
  suggestionId: string;
  unitId: string;
  role: UnitRole;
  /** Order the units were named in at assignment. */
  position: number;
  year: number;
}

export const HandlingUnitSchema = new EntitySchema<HandlingUnitRow>({
  name: 'HandlingUnitRow',
  tableName: 'handling_units',
  uniques: [{ name: 'handling_units_suggestion_unit_unique', properties: ['suggestionId', 'unitId'] }],
  indexes: [{ name: 'handling_units_unit_year', properties: ['unitId', 'year'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    unitId: { type: 'uuid' },
    role: { type: 'string', length: 10 },
    position: { type: 'integer' },
    year: { type: 'integer' },
  },
});

/** One of the 12 steps as taken: who (token subject) and when (injected clock). */
export interface ProcessStepRow {
  id: string;
  suggestionId: string;
  stage: SuggestionStage;
  round: number;
  /** 1, 2, ... in the order the item's steps were taken. */
  ordinal: number;
  /** The item's year: steps sit in their item's year partition (docs/scale.md). */
  year: number;
  at: Date;
  by: string;
  note: string | null;
  /** Who acted (name, role, unit); null on rows written before actors were kept. */
  byName?: string | null;
  byRole?: string | null;
  byUnitId?: string | null;
}

export const ProcessStepSchema = new EntitySchema<ProcessStepRow>({
  name: 'ProcessStepRow',
  tableName: 'process_steps',
  // With the year: the table is partitioned by it (Migration20261130145000).
  uniques: [{ name: 'process_steps_suggestion_ordinal_unique', properties: ['suggestionId', 'ordinal', 'year'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    stage: { type: 'string', length: 12 },
    round: { type: 'integer' },
    ordinal: { type: 'integer' },
    year: { type: 'integer' },
    at: { type: 'datetime' },
    by: { type: 'string', length: 200 },
    note: { type: 'text', nullable: true },
    byName: { type: 'string', length: 200, nullable: true },
    byRole: { type: 'string', length: 20, nullable: true },
    byUnitId: { type: 'uuid', nullable: true },
  },
});

/** 答复 of one round. */
export interface ReplyRow {
  id: string;
  suggestionId: string;
  round: number;
  category: ReplyCategory;
  content: string;
  repliedOn: string;
  reviewedBy: string;
  onTime: boolean;
  repliedBy: string;
  /** Who acted (name, role, unit); null on rows written before actors were kept. */
  byName?: string | null;
  byRole?: string | null;
  byUnitId?: string | null;
}

export const ReplySchema = new EntitySchema<ReplyRow>({
  name: 'ReplyRow',
  tableName: 'replies',
  uniques: [{ name: 'replies_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    round: { type: 'integer' },
    category: { type: 'string', length: 10 },
    content: { type: 'text' },
    repliedOn: { type: 'date' },
    reviewedBy: { type: 'string', length: 100 },
    onTime: { type: 'boolean' },
    repliedBy: { type: 'string', length: 200 },
    byName: { type: 'string', length: 200, nullable: true },
    byRole: { type: 'string', length: 20, nullable: true },
    byUnitId: { type: 'uuid', nullable: true },
  },
});

/** 征询意见表 of one round, by the lead deputy. */
export interface EvaluationRow {
  id: string;
  suggestionId: string;
  round: number;
  /** The lead deputy who rated; null for a CPPCC member's form (see `raterName`). */
  deputyId: string | null;
  /** The CPPCC member whose form staff entered (S-10); null for a deputy's own rating. */
  raterName: string | null;
  /** The staff member who entered a CPPCC member's form; null for a deputy's own rating. */
  enteredBy: string | null;
  attitude: Satisfaction;
  result: Satisfaction;
  comment: string | null;
  evaluatedAt: Date;
  coercionRisk: boolean;
}

export const EvaluationSchema = new EntitySchema<EvaluationRow>({
  name: 'EvaluationRow',
  tableName: 'evaluations',
  checks: [{ name: 'evaluations_rater_check', expression: '("deputy_id" is null) <> ("rater_name" is null)' }],
  uniques: [{ name: 'evaluations_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    round: { type: 'integer' },
    deputyId: { type: 'uuid', nullable: true },
    raterName: { type: 'string', length: 100, nullable: true },
    enteredBy: { type: 'string', length: 200, nullable: true },
    attitude: { type: 'string', length: 20 },
    result: { type: 'string', length: 20 },
    comment: { type: 'text', nullable: true },
    evaluatedAt: { type: 'datetime' },
    coercionRisk: { type: 'boolean' },
  },
});

/** 交办单, 督办单, 催办单 of a key item. */
export interface SheetRow {
  id: string;
  suggestionId: string;
  kind: SheetKind;
  unitId: string;
  issuedOn: string;
  dueOn: string;
  content: string;
  issuedBy: string;
  answeredOn: string | null;
  answeredBy: string | null;
  /** Who acted (name, role, unit); null on rows written before actors were kept. */
  byName?: string | null;
  byRole?: string | null;
  byUnitId?: string | null;
  /** Who answered (name, role, unit). */
  answeredByName?: string | null;
  answeredByRole?: string | null;
  answeredByUnitId?: string | null;
}

export const SheetSchema = new EntitySchema<SheetRow>({
  name: 'SheetRow',
  tableName: 'supervision_sheets',
  indexes: [
    {
      name: 'supervision_sheets_open_due',
      expression:
        'create index "supervision_sheets_open_due" on "suggestions"."supervision_sheets" ("due_on") where "answered_on" is null',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid', index: true },
    kind: { type: 'string', length: 12 },
    unitId: { type: 'uuid', index: true },
    issuedOn: { type: 'date' },
    dueOn: { type: 'date' },
    content: { type: 'text' },
    issuedBy: { type: 'string', length: 200 },
    answeredOn: { type: 'date', nullable: true },
    answeredBy: { type: 'string', length: 200, nullable: true },
    byName: { type: 'string', length: 200, nullable: true },
    byRole: { type: 'string', length: 20, nullable: true },
    byUnitId: { type: 'uuid', nullable: true },
    answeredByName: { type: 'string', length: 200, nullable: true },
    answeredByRole: { type: 'string', length: 20, nullable: true },
    answeredByUnitId: { type: 'uuid', nullable: true },
  },
});

/** The last serial given in one register (session or region-year) for one kind; bumped atomically. */
export interface SerialCounter {
  registerKey: string;
  kind: SuggestionKind;
  last: number;
}

export const SerialCounterSchema = new EntitySchema<SerialCounter>({
  name: 'SerialCounter',
  tableName: 'serial_counters',
  properties: {
    registerKey: { type: 'string', length: 60, primary: true },
    kind: { type: 'string', length: 16, primary: true },
    last: { type: 'integer' },
  },
});
