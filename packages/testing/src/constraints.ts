import { withClient } from './run.ts';

/** The SQLSTATE PostgreSQL answers `sql` with, or null when it runs. Autocommit: deferred keys are checked too. */
export async function sqlStateOf(url: string, sql: string): Promise<string | null> {
  return withClient(url, async (c) => {
    try {
      await c.query(sql);
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? 'no SQLSTATE';
    }
  });
}

export interface ConstraintProbe {
  constraint: string;
  table: string;
  column: string;
  /** The SQLSTATE of breaking it on one demo row: 23503 (foreign key) or 23514 (check); null if accepted. */
  refusedWith: string | null;
}

/**
 * Every single-column foreign key and enum check (`col in (…)`) of `schema`, tried on one existing row:
 * the column set to an id nothing has (keys) or to a value outside the enum (checks), in a transaction
 * rolled back afterwards. Constraints of tables without rows are left out (`skipped`).
 */
export async function probeConstraints(
  url: string,
  schema: string,
): Promise<{ probes: ConstraintProbe[]; skipped: string[] }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{
      conname: string;
      contype: string;
      tbl: string;
      col: string;
      coltype: string;
      def: string;
    }>(
      `select con.conname, con.contype, t.relname as tbl, a.attname as col, format_type(a.atttypid, a.atttypmod) as coltype,
              pg_get_constraintdef(con.oid) as def
         from pg_constraint con
         join pg_class t on t.oid = con.conrelid
         join pg_namespace n on n.oid = t.relnamespace
         join pg_attribute a on a.attrelid = t.oid and a.attnum = con.conkey[1]
        where n.nspname = $1 and con.contype in ('f', 'c') and cardinality(con.conkey) = 1
        order by t.relname, con.conname`,
      [schema],
    );
    const probes: ConstraintProbe[] = [];
    const skipped: string[] = [];
    for (const r of rows) {
      const isEnum = r.contype === 'c' && /^CHECK \(\(\(?\(?\w+\)?::text = ANY \(/.test(r.def);
      if (r.contype === 'c' && !isEnum) continue;
      const table = `"${schema}"."${r.tbl}"`;
      const target = await c.query(`select ctid::text from ${table} where "${r.col}" is not null limit 1`);
      if (!target.rowCount) {
        skipped.push(r.conname);
        continue;
      }
      const value = isEnum ? 'X' : r.coltype === 'uuid' ? '00000000-0000-4000-8000-00000000dead' : '999999999';
      let refusedWith: string | null = null;
      await c.query('begin');
      try {
        await c.query('set constraints all immediate');
        await c.query(`update ${table} set "${r.col}" = $1 where ctid = $2::tid`, [value, target.rows[0].ctid]);
      } catch (e) {
        refusedWith = (e as { code?: string }).code ?? 'no SQLSTATE';
      } finally {
        await c.query('rollback');
      }
      probes.push({ constraint: r.conname, table: r.tbl, column: r.col, refusedWith });
    }
    return { probes, skipped };
  });
}
