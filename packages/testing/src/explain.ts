import type { MikroORM } from '@mikro-orm/postgresql';

interface PlanNode {
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function relationsOf(node: PlanNode, into: Set<string>): Set<string> {
  if (node['Relation Name']) into.add(node['Relation Name']);
  for (const child of node.Plans ?? []) relationsOf(child, into);
  return into;
}

/**
 * The tables and partitions each statement that `work` sends through `orm`'s primary reads, from
 * `EXPLAIN (format json)` of the statement with its own parameters (run on the primary afterwards).
 */
export async function relationsRead(
  orm: MikroORM,
  work: () => Promise<unknown>,
): Promise<{ sql: string; relations: string[] }[]> {
  const knex = orm.em.getConnection('write').getKnex();
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  knex.on('query', listener);
  try {
    await work();
  } finally {
    knex.removeListener('query', listener);
  }
  const client = knex.client as {
    acquireConnection(): Promise<{
      query(sql: string, values?: unknown[]): Promise<{ rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] }>;
    }>;
    releaseConnection(c: unknown): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    const out: { sql: string; relations: string[] }[] = [];
    for (const { sql, bindings } of seen.filter((s) => /^[\s(]*(with|select)\b/i.test(s.sql))) {
      const { rows } = await connection.query(`explain (format json) ${sql}`, bindings);
      out.push({ sql, relations: [...relationsOf(rows[0]!['QUERY PLAN'][0]!.Plan, new Set())].sort() });
    }
    return out;
  } finally {
    await client.releaseConnection(connection);
  }
}
