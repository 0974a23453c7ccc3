/**
 * 增量变更流 incremental feeds, on the database side: an `updated_at` column kept by a trigger on every
 * register table, and a `tombstones` table a trigger writes when a row is deleted, in the same
 * transaction. Triggers rather than ORM hooks: every write path (ORM flush, knex, `nativeDelete`, a hand-run
 * statement) keeps them, and no service code changes.
 *
 * `updated_at` is `clock_timestamp()` at the write, so it is never earlier than the writing transaction's
 * start; the read side (`@renda/server-kit/feeds`) ends each window before the oldest transaction still
 * writing, so a row never commits behind a window already read.
 *
 * Migrations call these to emit their SQL; what they emit must not change once a migration has shipped
 * (add a new function rather than editing one).
 */

export interface FeedRegister {
  /** Register name in `tombstones.register`, e.g. `deputies`. */
  register: string;
  /** Table in the service's schema, e.g. `deputies`. */
  table: string;
  /** Column holding the row's region code, kept on its tombstone; null when the row has none. */
  regionColumn: string | null;
  /** Column naming who else may read the row (a deputy, a unit), kept on its tombstone. */
  ownerColumn?: string;
}

export interface FeedChild {
  /** Child table whose writes count as changes of its parent (a suggestion's steps). */
  table: string;
  /** Its column holding the parent's id. */
  parentColumn: string;
  /** The parent register's table. */
  parentTable: string;
}

/** SQL of migration 1 of a schema's feeds: functions, tombstones, and the registers' columns and triggers. */
export function feedSupportSql(schema: string, registers: FeedRegister[], children: FeedChild[] = []): string[] {
  const s = `"${schema}"`;
  const sql = [
    `create table ${s}."tombstones" (
      "register" varchar(40) not null,
      "id" varchar(100) not null,
      "region_code" varchar(9) null,
      "owner_id" varchar(100) null,
      "deleted_at" timestamptz not null default clock_timestamp(),
      constraint "tombstones_pkey" primary key ("register", "deleted_at", "id")
    );`,
    `comment on table ${s}."tombstones" is 'Deleted rows of the registers, for the change feeds (by trigger).';`,
    `create or replace function ${s}."feed_touch"() returns trigger language plpgsql as $$
    begin
      new."updated_at" := clock_timestamp();
      return new;
    end $$;`,
    // TG_ARGV: register, region column[, owner column]. to_jsonb reads a column named at run time.
    `create or replace function ${s}."feed_tombstone"() returns trigger language plpgsql as $$
    declare
      old_row jsonb := to_jsonb(old);
    begin
      insert into ${s}."tombstones" ("register", "id", "region_code", "owner_id")
      values (tg_argv[0], old_row ->> 'id', old_row ->> tg_argv[1],
              case when tg_nargs > 2 then old_row ->> tg_argv[2] end);
      return old;
    end $$;`,
    // TG_ARGV: parent table, child column holding the parent id.
    `create or replace function ${s}."feed_touch_parent"() returns trigger language plpgsql as $$
    declare
      row_data jsonb := to_jsonb(coalesce(new, old));
    begin
      execute format('update %I.%I set "updated_at" = clock_timestamp() where "id" = $1::uuid',
                     tg_table_schema, tg_argv[0])
        using row_data ->> tg_argv[1];
      return null;
    end $$;`,
  ];
  for (const r of registers) {
    const t = `${s}."${r.table}"`;
    // `now()` is one value for the whole statement: existing rows are backfilled without rewriting the table.
    sql.push(`alter table ${t} add column "updated_at" timestamptz not null default now();`);
    sql.push(`alter table ${t} alter column "updated_at" set default clock_timestamp();`);
    sql.push(`create index "${r.table}_updated_at_id_index" on ${t} ("updated_at", "id");`);
    sql.push(`create trigger "${r.table}_feed_touch" before insert or update on ${t}
      for each row execute function ${s}."feed_touch"();`);
    const args = [r.register, r.regionColumn ?? '', ...(r.ownerColumn ? [r.ownerColumn] : [])].map((a) => `'${a}'`);
    sql.push(`create trigger "${r.table}_feed_tombstone" after delete on ${t}
      for each row execute function ${s}."feed_tombstone"(${args.join(', ')});`);
  }
  for (const c of children) {
    sql.push(`create trigger "${c.table}_feed_touch_parent" after insert or update or delete on ${s}."${c.table}"
      for each row execute function ${s}."feed_touch_parent"('${c.parentTable}', '${c.parentColumn}');`);
  }
  return sql;
}

/** The down migration of `feedSupportSql`. */
export function dropFeedSupportSql(schema: string, registers: FeedRegister[], children: FeedChild[] = []): string[] {
  const s = `"${schema}"`;
  return [
    ...children.map((c) => `drop trigger if exists "${c.table}_feed_touch_parent" on ${s}."${c.table}";`),
    ...registers.flatMap((r) => [
      `drop trigger if exists "${r.table}_feed_tombstone" on ${s}."${r.table}";`,
      `drop trigger if exists "${r.table}_feed_touch" on ${s}."${r.table}";`,
      `alter table ${s}."${r.table}" drop column if exists "updated_at";`,
    ]),
    `drop function if exists ${s}."feed_touch_parent"();`,
    `drop function if exists ${s}."feed_tombstone"();`,
    `drop function if exists ${s}."feed_touch"();`,
    `drop table if exists ${s}."tombstones";`,
  ];
}
