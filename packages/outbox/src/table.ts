/**
 * The outbox tables of one service's schema. The events table is partitioned by year of
 * `occurred_at` (PostgreSQL range partitions, one per UTC year): a year's partition is created by
 * the application ahead of time (this year and next, at start and by the relay's leader) or on
 * demand by the write that first needs it, and an old year can be detached and dropped whole once
 * every consumer has it (docs/scale.md). The primary key holds the partition key, as PostgreSQL
 * requires; `id` alone orders the relay (one sequence for every partition).
 */
export function outboxTablesSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `create table ${s}."outbox_events" (
      "id" bigserial not null,
      "event_id" uuid not null,
      "type" varchar(100) not null,
      "aggregate_type" varchar(100) not null,
      "aggregate_id" varchar(100) not null,
      "region_code" varchar(20) null,
      "occurred_at" timestamptz not null,
      "data" jsonb not null default '{}'::jsonb,
      "audience" jsonb null,
      "published_at" timestamptz null,
      constraint "outbox_events_pkey" primary key ("id", "occurred_at")
    ) partition by range ("occurred_at");`,
    `create index "outbox_events_unpublished" on ${s}."outbox_events" ("id") where "published_at" is null;`,
    `create index "outbox_events_aggregate" on ${s}."outbox_events" ("aggregate_type", "aggregate_id", "id");`,
    `create table ${s}."reminder_sent" (
      "kind" varchar(60) not null,
      "subject_id" varchar(100) not null,
      "deadline" date not null,
      "event_id" uuid not null,
      "sent_at" timestamptz not null,
      constraint "reminder_sent_pkey" primary key ("kind", "subject_id", "deadline")
    );`,
  ];
}

/** The events table of `schema`, quoted: what every statement on it names (its partitions are `outbox_events_y<year>`). */
export const eventsTable = (schema: string) => `${quoteIdent(schema)}."outbox_events"`;

export function dropOutboxTablesSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [`drop table if exists ${s}."reminder_sent";`, `drop table if exists ${s}."outbox_events";`];
}

/** The statement that creates `year`'s partition if it is missing (years are UTC). */
export function partitionSql(schema: string, year: number): string {
  if (!Number.isInteger(year) || year < 1900 || year > 9998) throw new Error(`no outbox partition for year ${year}`);
  const s = quoteIdent(schema);
  return `create table if not exists ${s}."outbox_events_y${year}" partition of ${s}."outbox_events" for values from ('${year}-01-01T00:00:00Z') to ('${year + 1}-01-01T00:00:00Z')`;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain schema name`);
  return `"${name}"`;
}
