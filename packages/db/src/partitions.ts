import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Tables partitioned by calendar year (PostgreSQL declarative range partitioning, docs/scale.md).
 *
 * Each has one partition per year (`<table>_y2026`) and a DEFAULT partition (`<table>_default`) that
 * takes a row of a year without its own partition, so a write never fails for want of a partition and
 * no DDL ever runs inside a request. The application creates partitions ahead: every copy of a service,
 * at start and twice a day, runs `maintainYearPartitions` for the current and the next year and for any
 * year found in the DEFAULT partition, whose rows it moves into their year's new partition.
 */
export interface YearPartitioned {
  /** `schema.table` */
  table: string;
  /** The partition key: an int year, or a date whose calendar year places the row. */
  column: string;
  kind: 'year' | 'date';
}

const quoted = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

function bounds(kind: YearPartitioned['kind'], year: number): [string, string] {
  return kind === 'year' ? [String(year), String(year + 1)] : [`'${year}-01-01'`, `'${year + 1}-01-01'`];
}

const list = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');

const yearOf = (p: YearPartitioned) => (p.kind === 'year' ? `"${p.column}"` : `extract(year from "${p.column}")::int`);

/**
 * Creates the partitions of `years` that are missing, for a family of tables partitioned on the same
 * years, listed referenced table first (suggestions before their steps). Rows of those years waiting in
 * the DEFAULT partitions move into the new partitions, without firing row triggers (the rows do not
 * change: rollups and key registries stay as they are). One transaction under an advisory lock, so
 * several copies of a service may run it at once. Returns the partitions created.
 */
export async function maintainYearPartitions(
  orm: MikroORM,
  family: YearPartitioned[],
  years: number[],
): Promise<string[]> {
  const created: string[] = [];
  const knex = orm.em.getConnection().getKnex();
  await knex.transaction(async (trx) => {
    const rows = async <T>(sql: string, bindings: unknown[] = []) =>
      ((await trx.raw(sql, bindings as never[])) as { rows: T[] }).rows;
    await rows(`select pg_advisory_xact_lock(hashtext(?))`, [
      `renda:partitions:${family.map((p) => p.table).join(',')}`,
    ]);
    // Foreign keys between the family's tables are checked per statement here, not at commit: the moves
    // delete the referencing rows before the referenced ones, and attach in the other order.
    await rows('set constraints all immediate');
    const wanted = new Set(years);
    for (const p of family) {
      const found = await rows<{ y: number }>(
        `select distinct ${yearOf(p)} as y from only ${quoted(`${p.table}_default`)}`,
      );
      for (const { y } of found) wanted.add(y);
    }
    for (const year of [...wanted].sort((a, b) => a - b)) {
      const missing: YearPartitioned[] = [];
      for (const p of family) {
        const [schema, table] = p.table.split('.') as [string, string];
        const [exists] = await rows<{ n: number }>(
          `select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
             join pg_namespace s on s.oid = c.relnamespace where s.nspname = ? and c.relname = ?`,
          [schema, `${table}_y${year}`],
        );
        if (exists!.n === 0) missing.push(p);
      }
      if (missing.length === 0) continue;
      // Writers into the DEFAULT partitions wait until the rows of this year are moved.
      for (const p of missing)
        await rows(`lock table only ${quoted(`${p.table}_default`)} in share row exclusive mode`);
      for (const p of missing) {
        const [from, to] = bounds(p.kind, year);
        const part = quoted(`${p.table}_y${year}`);
        await rows(`create table ${part} (like ${quoted(p.table)} including defaults including constraints)`);
        await rows(
          `insert into ${part} select * from only ${quoted(`${p.table}_default`)}
           where "${p.column}" >= ${from} and "${p.column}" < ${to}`,
        );
      }
      for (const p of [...missing].reverse()) {
        const [from, to] = bounds(p.kind, year);
        const def = quoted(`${p.table}_default`);
        await rows(`alter table ${def} disable trigger user`);
        await rows(`delete from only ${def} where "${p.column}" >= ${from} and "${p.column}" < ${to}`);
        await rows(`alter table ${def} enable trigger user`);
      }
      for (const p of missing) {
        const [from, to] = bounds(p.kind, year);
        await rows(
          `alter table ${quoted(p.table)} attach partition ${quoted(`${p.table}_y${year}`)}
           for values from (${from}) to (${to})`,
        );
        created.push(`${p.table}_y${year}`);
      }
    }
  });
  return created;
}

/**
 * SQL for a migration that turns `table` into a table partitioned by year, keeping its rows, columns,
 * defaults, checks, indexes, triggers and the functions taking its row type, and its foreign keys.
 *
 * - The primary key becomes (id, partition key). Uniqueness of id alone, which references need, is
 *   kept by a key registry: `registry` (not partitioned, primary key id) holds each row's id and
 *   partition key, and the partitioned table's foreign key (id, key) to it means every row has one
 *   entry there, so two rows with one id would need two partition keys for one registry id. A trigger
 *   keeps it in step (insert, delete, update of its columns). Foreign keys of other tables to
 *   `table (id)` are re-pointed at the registry (same name, same options).
 * - Unique constraints named in `registryUniques` move to the registry (columns copied into it by the
 *   same trigger): they hold across years. Any other unique constraint gains the partition key, which
 *   keeps its meaning only where its rows share one partition key (the caller's argument).
 * - `addYear`: a new int column `year` filled from the old row `o` (an SQL expression), for tables
 *   partitioned on their parent's year.
 */
export interface PartitionByYearOptions extends YearPartitioned {
  registry?: { table: string; columns: Record<string, string>; uniques: Record<string, string[]> };
  addYear?: string;
}

export function partitionByYearSql(o: PartitionByYearOptions): string[] {
  const [schema, table] = o.table.split('.') as [string, string];
  const t = quoted(o.table);
  const fresh = quoted(`${schema}.${table}_partitioned`);
  const keyType = o.kind === 'year' ? 'int' : 'date';
  const moved = Object.keys(o.registry?.uniques ?? {});
  const sql: string[] = [];
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const dateBounds = 'quote_literal(make_date(y, 1, 1)), quote_literal(make_date(y + 1, 1, 1))';
  const movedArray = `${lit(`{${moved.join(',')}}`)}::text[]`;

  // 1. What depends on the old table, saved as SQL to run again on the new one.
  sql.push(
    `create temporary table if not exists "renda_partition_carry" ("n" serial, "def" text not null) on commit drop;`,
  );
  sql.push(`do $$
    declare r record; reg text := ${o.registry ? lit(quoted(o.registry.table)) : 'null'};
    begin
      -- Functions taking the row type (a rollup's, say): dropped now, created again for the new type.
      for r in select p.oid from pg_proc p
          where (select ty.oid from pg_type ty where ty.typrelid = ${lit(t)}::regclass)
            = any (p.proargtypes::oid[]) loop
        insert into renda_partition_carry ("def") values (pg_get_functiondef(r.oid));
        execute 'drop function ' || r.oid::regprocedure;
      end loop;
      -- Indexes that back no constraint, as they were.
      for r in select indexrelid from pg_index i where i.indrelid = ${lit(t)}::regclass
          and not exists (select from pg_constraint c where c.conindid = i.indexrelid)
          and (select relname from pg_class where oid = i.indexrelid) <> all (${movedArray}) loop
        insert into renda_partition_carry ("def") values (pg_get_indexdef(r.indexrelid));
      end loop;
      -- Unique constraints that stay: with the partition key.
      for r in select conname, pg_get_constraintdef(oid) as def from pg_constraint
          where conrelid = ${lit(t)}::regclass and contype = 'u' and conname <> all (${movedArray}) loop
        insert into renda_partition_carry ("def") values (format('alter table ${t} add constraint %I %s',
          r.conname, regexp_replace(r.def, '\\)$', ', "${o.column}")')));
      end loop;
      -- Foreign keys to other tables.
      for r in select conname, pg_get_constraintdef(oid) as def from pg_constraint
          where conrelid = ${lit(t)}::regclass and contype = 'f' loop
        insert into renda_partition_carry ("def")
          values (format('alter table ${t} add constraint %I %s', r.conname, r.def));
      end loop;
      -- Foreign keys of other tables to this one's id: to the key registry.
      for r in select conname, conrelid::regclass as tbl, pg_get_constraintdef(oid) as def from pg_constraint
          where confrelid = ${lit(t)}::regclass and contype = 'f' loop
        if reg is null or r.def !~ 'REFERENCES [^(]+\\(id\\)' then
          raise exception 'foreign key % of % references ${o.table} without a key registry for it', r.conname, r.tbl;
        end if;
        insert into renda_partition_carry ("def") values (format('alter table %s add constraint %I %s',
          r.tbl, r.conname, regexp_replace(r.def, 'REFERENCES [^(]+\\(id\\)', 'REFERENCES ' || reg || '(id)')));
        execute format('alter table %s drop constraint %I', r.tbl, r.conname);
      end loop;
      -- Triggers, last (their functions exist again by then).
      for r in select pg_get_triggerdef(oid) as def from pg_trigger
          where tgrelid = ${lit(t)}::regclass and not tgisinternal loop
        insert into renda_partition_carry ("def") values (r.def);
      end loop;
    end $$;`);

  // 2. The key registry, filled from the rows.
  if (o.registry) {
    const r = o.registry;
    const cols = ['id', o.column, ...Object.keys(r.columns)];
    const colTypes = `"id" uuid not null, "${o.column}" ${keyType} not null${Object.entries(r.columns)
      .map(([c, type]) => `, "${c}" ${type}`)
      .join('')}`;
    const name = r.table.split('.')[1]!;
    sql.push(`create table ${quoted(r.table)} (${colTypes}, constraint "${name}_pkey" primary key ("id"),
      constraint "${name}_id_${o.column}_unique" unique ("id", "${o.column}"));`);
    sql.push(`insert into ${quoted(r.table)} (${list(cols)}) select ${list(cols)} from ${t};`);
  }

  // 3. The partitioned table: same columns, defaults and checks; one partition per year of the rows.
  sql.push(`create table ${fresh} (like ${t} including defaults including constraints including comments
      ${o.addYear ? ', "year" int not null' : ''})
    partition by range ("${o.column}");`);
  sql.push(`create table ${quoted(`${o.table}_default`)} partition of ${fresh} default;`);
  const yearExpr = o.addYear ?? (o.kind === 'year' ? `o."${o.column}"` : `extract(year from o."${o.column}")::int`);
  sql.push(`do $$ declare y int; begin
      for y in select distinct ${yearExpr} from ${t} o where ${yearExpr} is not null order by 1 loop
        execute format('create table %I.%I partition of ${fresh} for values from (%s) to (%s)',
          ${lit(schema)}, ${lit(table)} || '_y' || y,
          ${o.kind === 'year' ? 'y, y + 1' : dateBounds});
      end loop;
    end $$;`);
  if (o.addYear) {
    sql.push(`do $$ begin
        if exists (select from ${t} o where (${o.addYear}) is null) then
          raise exception '${o.table}: rows whose year cannot be found (${o.addYear.replaceAll("'", "''")})';
        end if;
      end $$;`);
  }
  sql.push(`insert into ${fresh} select o.*${o.addYear ? `, ${o.addYear}` : ''} from ${t} o;`);
  sql.push(`drop table ${t};`);
  sql.push(`alter table ${fresh} rename to "${table}";`);
  sql.push(`alter table ${t} add constraint "${table}_pkey" primary key ("id", "${o.column}");`);
  if (o.registry) {
    // The unique constraints that hold across years, on the registry (their names are free again).
    for (const [name, c] of Object.entries(o.registry.uniques)) {
      sql.push(`alter table ${quoted(o.registry.table)} add constraint "${name}" unique (${list(c)});`);
    }
    sql.push(`alter table ${t} add constraint "${table}_key_fk" foreign key ("id", "${o.column}")
      references ${quoted(o.registry.table)} ("id", "${o.column}") deferrable initially deferred;`);
  }

  // 4. What depended on the old table, on the new one.
  sql.push(`do $$ declare r record; begin
      for r in select "def" from renda_partition_carry order by "n" loop execute r."def"; end loop;
      delete from renda_partition_carry;
    end $$;`);

  // 5. The registry follows the rows.
  if (o.registry) {
    const r = o.registry;
    const cols = ['id', o.column, ...Object.keys(r.columns)];
    const fn = quoted(`${schema}.${table}_keys_sync`);
    sql.push(`create function ${fn}() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          delete from ${quoted(r.table)} where "id" = old."id";
        elsif tg_op = 'UPDATE' then
          update ${quoted(r.table)} set ${cols.map((c) => `"${c}" = new."${c}"`).join(', ')} where "id" = old."id";
        else
          insert into ${quoted(r.table)} (${list(cols)})
            values (${cols.map((c) => `new."${c}"`).join(', ')});
        end if;
        return null;
      end $$;`);
    sql.push(
      `create trigger "${table}_keys_rows" after insert or delete on ${t} for each row execute function ${fn}();`,
    );
    sql.push(`create trigger "${table}_keys_changes" after update of ${cols.map((c) => `"${c}"`).join(', ')} on ${t}
      for each row execute function ${fn}();`);
  }
  return sql;
}
