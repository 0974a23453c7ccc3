import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';

/** A row of an entity declared here (nullable columns are optional properties: `null` once loaded). */
export type Row<E> = InferEntity<E>;

export const suggestionKinds = ['SUGGESTION', 'MOTION', 'CPPCC_PROPOSAL', 'VOTER_OPINION'] as const;
export type SuggestionKind = (typeof suggestionKinds)[number];
export const suggestionGrades = ['LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4'] as const;
export type SuggestionGrade = (typeof suggestionGrades)[number];
export const suggestionStages = [
  'RECEIVED',
  'ASSIGNED',
  'HANDLING',
  'SUPERVISED',
  'REVIEWED',
  'REPLIED',
  'INSPECTED',
  'FOLLOWED_UP',
  'EVALUATED',
  'SUMMARIZED',
  'PUBLISHED',
  'ARCHIVED',
] as const;
export type SuggestionStage = (typeof suggestionStages)[number];
export const replyCategories = ['SOLVED', 'PLANNED', 'EXPLAINED'] as const;
export type ReplyCategory = (typeof replyCategories)[number];
export const satisfactions = ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'] as const;
export type Satisfaction = (typeof satisfactions)[number];
export const sheetKinds = ['ASSIGNMENT', 'SUPERVISION', 'REMINDER'] as const;
export type SheetKind = (typeof sheetKinds)[number];
export const unitRoles = ['LEAD', 'CO_HANDLER'] as const;
export type UnitRole = (typeof unitRoles)[number];

/**
 * 编号登记 the key registry of the year-partitioned items (Migration20261130145000): what must hold across
 * years (one item per id, one serial per register and kind, one item per referred opinion, D-10). Rows are
 * written by the items' trigger; the other tables' foreign keys to an item point here.
 */
export const SuggestionKeySchema = defineEntity({
  name: 'SuggestionKey',
  tableName: 'suggestion_keys',
  uniques: [
    { name: 'suggestion_keys_id_year_unique', properties: ['id', 'year'] },
    { name: 'suggestions_register_kind_serial_unique', properties: ['registerKey', 'kind', 'serialNumber'] },
    { name: 'suggestions_source_opinion_unique', properties: ['sourceContactId', 'sourceOpinionIndex'] },
  ],
  properties: {
    id: p.uuid().primary(),
    year: p.integer(),
    registerKey: p.string().length(60),
    kind: p.string().length(16),
    serialNumber: p.integer(),
    sourceContactId: p.uuid().nullable(),
    sourceOpinionIndex: p.integer().nullable(),
  },
});

/** An item's id on a row of this service, as a foreign key to the key registry, checked at commit. */
export const itemKey = () =>
  p
    .manyToOne(SuggestionKeySchema)
    .mapToPk()
    .fieldName('suggestion_id')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .updateRule('no action')
    .deleteRule('no action');

const statColumns =
  '"is_key", "reply_category", "reply_on_time", "reply_due_on", "replied_on", "latest_result", "coercion_risk"';

/**
 * One item in the register. Besides what it says, it keeps the facts the statistics count
 * (current round's reply category and timeliness, latest evaluation's result and risk, lead unit),
 * so one indexed scan over (year, region code prefix) aggregates a province.
 *
 * Not expressible here (see make-migration.ts): the partitioned table's primary key (id, year) and its
 * foreign key (id, year) → suggestion_keys.
 */
export const SuggestionSchema = defineEntity({
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
    { name: 'suggestions_updated_at_id_index', properties: ['updatedAt', 'id'] },
  ],
  checks: [
    {
      name: 'suggestions_source_check',
      expression:
        "((source_contact_id IS NULL) = (source_opinion_index IS NULL)) AND ((source_contact_id IS NULL) OR ((kind)::text = 'VOTER_OPINION'::text))",
    },
  ],
  properties: {
    id: p.uuid().primary(),
    kind: p.enum([...suggestionKinds]).columnType('varchar(16)'),
    regionCode: p.string().length(9),
    /** Calendar year of registration (Asia/Shanghai). */
    year: p.integer(),
    sessionId: p.uuid().nullable(),
    /** The register the serial counts in: the session id, or `<region>:<year>` outside sessions. */
    registerKey: p.string().length(60),
    serialNumber: p.integer(),
    title: p.string().length(200),
    content: p.text(),
    category: p.string().length(50).nullable(),
    leadDeputyId: p.uuid().nullable(),
    proposerName: p.string().length(100).nullable(),
    /** D-10: the contact whose voter opinion this VOTER_OPINION item refers for an answer, and which opinion. */
    sourceContactId: p.uuid().nullable().index(),
    sourceOpinionIndex: p.integer().nullable(),
    stage: p.enum([...suggestionStages]).columnType('varchar(12)'),
    /** Handling round: 1, 2 after a dissatisfied evaluation sent it back. */
    round: p.integer().default(1),
    grade: p
      .enum([...suggestionGrades])
      .columnType('varchar(8)')
      .nullable(),
    leadOfficial: p.string().length(100).nullable(),
    /** GovernmentLeader (deputies subgraph) named as the lead official of a level 1 or 2 item, when given. */
    leadOfficialId: p.uuid().nullable(),
    complex: p.boolean().default(false),
    isKey: p.boolean().default(false),
    keySupervisor: p.string().length(100).nullable(),
    leadUnitId: p.uuid().nullable(),
    assignedOn: p.date().nullable(),
    replyDueOn: p.date().nullable(),
    /** Current round's reply (null while handled). */
    replyCategory: p
      .enum([...replyCategories])
      .columnType('varchar(10)')
      .nullable(),
    repliedOn: p.date().nullable(),
    replyOnTime: p.boolean().nullable(),
    /** Result rating of the latest evaluation round. */
    latestResult: p
      .enum([...satisfactions])
      .columnType('varchar(20)')
      .nullable(),
    /** Coercion risk of the latest evaluation round. */
    coercionRisk: p.boolean().default(false),
    rehandling: p.boolean().default(false),
    published: p.boolean().default(false),
    registeredAt: p.datetime(),
    registeredBy: p.string().length(200),
    /** Steps taken so far; the next step's ordinal. */
    stepCount: p.integer().default(0),
    /** Optimistic lock: two steps racing on one item, the second gets CONFLICT; a stale correction too. */
    version: p.integer().version(),
    /** 撤回 when the item was withdrawn (before assignment): it leaves the lists and the rollups. */
    withdrawnAt: p.datetime().nullable(),
    /** 增量变更流: kept by a trigger (Migration20261130143002), read by the change feed. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type Suggestion = Row<typeof SuggestionSchema>;

/** A deputy who leads or co-signed an item (Deputy.suggestions reads by deputy and year). */
export const SuggestionSignerSchema = defineEntity({
  name: 'SuggestionSigner',
  tableName: 'suggestion_signers',
  uniques: [{ name: 'suggestion_signers_suggestion_deputy_unique', properties: ['suggestionId', 'deputyId'] }],
  indexes: [{ name: 'suggestion_signers_deputy_year', properties: ['deputyId', 'year'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: itemKey,
    deputyId: p.uuid(),
    lead: p.boolean(),
    /** 0 for the lead, then the co-signers in the order given. */
    position: p.integer(),
    year: p.integer(),
  },
});
export type SuggestionSigner = Row<typeof SuggestionSignerSchema>;

/** 主办 or 协办 unit of an item. */
export const HandlingUnitSchema = defineEntity({
  name: 'HandlingUnitRow',
  tableName: 'handling_units',
  uniques: [{ name: 'handling_units_suggestion_unit_unique', properties: ['suggestionId', 'unitId'] }],
  indexes: [{ name: 'handling_units_unit_year', properties: ['unitId', 'year'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: itemKey,
    unitId: p.uuid(),
    role: p.enum([...unitRoles]).columnType('varchar(10)'),
    /** Order the units were named in at assignment. */
    position: p.integer(),
    year: p.integer(),
  },
});
export type HandlingUnitRow = Row<typeof HandlingUnitSchema>;

/**
 * One of the 12 steps as taken: who (token subject) and when (injected clock). Not expressible here (see
 * make-migration.ts): the partitioned primary key (id, year) and the key (suggestion_id, year) → its item.
 */
export const ProcessStepSchema = defineEntity({
  name: 'ProcessStepRow',
  tableName: 'process_steps',
  // With the year: the table is partitioned by it (Migration20261130145000).
  uniques: [{ name: 'process_steps_suggestion_ordinal_unique', properties: ['suggestionId', 'ordinal', 'year'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: p.uuid(),
    stage: p.enum([...suggestionStages]).columnType('varchar(12)'),
    round: p.integer(),
    /** 1, 2, ... in the order the item's steps were taken. */
    ordinal: p.integer(),
    /** The item's year: steps sit in their item's year partition (docs/scale.md). */
    year: p.integer(),
    at: p.datetime(),
    by: p.string().length(200),
    note: p.text().nullable(),
    /** Who acted (name, role, unit); null on rows written before actors were kept. */
    byName: p.string().length(200).nullable(),
    byRole: p.string().length(20).nullable(),
    byUnitId: p.uuid().nullable(),
  },
});
export type ProcessStepRow = Row<typeof ProcessStepSchema>;

/** 答复 of one round. */
export const ReplySchema = defineEntity({
  name: 'ReplyRow',
  tableName: 'replies',
  uniques: [{ name: 'replies_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: itemKey,
    round: p.integer(),
    category: p.enum([...replyCategories]).columnType('varchar(10)'),
    content: p.text(),
    repliedOn: p.date(),
    reviewedBy: p.string().length(100),
    onTime: p.boolean(),
    repliedBy: p.string().length(200),
    /** 更正: the reply's version, for `correctReply` (a stale one is CONFLICT). */
    version: p.integer().default(1),
    /** Who acted (name, role, unit); null on rows written before actors were kept. */
    byName: p.string().length(200).nullable(),
    byRole: p.string().length(20).nullable(),
    byUnitId: p.uuid().nullable(),
  },
});
export type ReplyRow = Row<typeof ReplySchema>;

/** 征询意见表 of one round, by the lead deputy. */
export const EvaluationSchema = defineEntity({
  name: 'EvaluationRow',
  tableName: 'evaluations',
  checks: [{ name: 'evaluations_rater_check', expression: '("deputy_id" is null) <> ("rater_name" is null)' }],
  uniques: [{ name: 'evaluations_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: p.uuid().primary(),
    suggestionId: itemKey,
    round: p.integer(),
    /** The lead deputy who rated; null for a CPPCC member's form (see `raterName`). */
    deputyId: p.uuid().nullable(),
    /** The CPPCC member whose form staff entered (S-10); null for a deputy's own rating. */
    raterName: p.string().length(100).nullable(),
    /** The staff member who entered a CPPCC member's form; null for a deputy's own rating. */
    enteredBy: p.string().length(200).nullable(),
    attitude: p.enum([...satisfactions]).columnType('varchar(20)'),
    result: p.enum([...satisfactions]).columnType('varchar(20)'),
    comment: p.text().nullable(),
    evaluatedAt: p.datetime(),
    coercionRisk: p.boolean(),
  },
});
export type EvaluationRow = Row<typeof EvaluationSchema>;

/** 交办单, 督办单, 催办单 of a key item. */
export const SheetSchema = defineEntity({
  name: 'SheetRow',
  tableName: 'supervision_sheets',
  indexes: [
    {
      name: 'supervision_sheets_open_due',
      expression:
        'create index "supervision_sheets_open_due" on "suggestions"."supervision_sheets" ("due_on") where "answered_on" is null',
    },
    { name: 'supervision_sheets_updated_at_id_index', properties: ['updatedAt', 'id'] },
  ],
  properties: {
    id: p.uuid().primary(),
    suggestionId: () => itemKey().index(),
    kind: p.enum([...sheetKinds]).columnType('varchar(12)'),
    unitId: p.uuid().index(),
    issuedOn: p.date(),
    dueOn: p.date(),
    content: p.text(),
    issuedBy: p.string().length(200),
    answeredOn: p.date().nullable(),
    answeredBy: p.string().length(200).nullable(),
    /** Who acted (name, role, unit); null on rows written before actors were kept. */
    byName: p.string().length(200).nullable(),
    byRole: p.string().length(20).nullable(),
    byUnitId: p.uuid().nullable(),
    /** Who answered (name, role, unit). */
    answeredByName: p.string().length(200).nullable(),
    answeredByRole: p.string().length(20).nullable(),
    answeredByUnitId: p.uuid().nullable(),
    /** 增量变更流: kept by a trigger (Migration20261130143002), read by the change feed. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
    /** 更正: the sheet's version, for `correctSheet` and `withdrawSheet` (a stale one is CONFLICT). */
    version: p.integer().default(1),
    /** 撤回: when the sheet, issued by mistake, was withdrawn; it then leaves the lists, the bulletin and reminders. */
    withdrawnAt: p.datetime().nullable(),
    /** Whether issuing it took the item's 督办 step (S-3): such a sheet is not withdrawn. */
    tookStep: p.boolean().default(false),
  },
});
export type SheetRow = Row<typeof SheetSchema>;

/** The last serial given in one register (session or region-year) for one kind; bumped atomically. */
export const SerialCounterSchema = defineEntity({
  name: 'SerialCounter',
  tableName: 'serial_counters',
  properties: {
    registerKey: p.string().length(60).primary(),
    kind: p
      .enum([...suggestionKinds])
      .columnType('varchar(16)')
      .primary(),
    last: p.integer(),
  },
});
