import { Migration } from '@mikro-orm/migrations';

/**
 * S-8: two writes to different items never deadlock on the rollups they share.
 *
 * The row trigger of Migration20261130163000 took an item's old contribution out in one pass over the three
 * grains and put its new one in with a second pass, each row in the order its GROUP BY produced. Two
 * items share rows (their region's and ancestors' `T` rows, a due date's overdue rows), so one writer could
 * hold a unit row of its first pass while waiting for a period row the other held, and the other then wait
 * for that unit row in its second pass: PostgreSQL aborts one of them ("deadlock detected"), which a
 * mutation can only answer as an internal error. Seen under load in CI (`assignSuggestion` of three items
 * at once).
 *
 * Now one statement per grain adds old and new together (a row whose net change is zero is not touched)
 * and takes its rows in the order of the grain's unique key; the grains go in one fixed order. Every
 * single-item write thus locks rollup rows in one global order (grain, key), and no two such writes can
 * wait for each other in a cycle.
 */
const s = '"suggestions"';
const counters = [
  'items',
  'key_items',
  'replied',
  'replied_on_time',
  'evaluated',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'solved',
  'coercion_risks',
  'overdue',
  'replied_by',
  'replied_on_time_by',
  'solved_by',
];
const grains = {
  unit: ['scope_code', 'year', 'lead_unit_id'],
  period: ['scope_code', 'year', 'month', 'level'],
  topic: ['scope_code', 'year', 'month', 'level', 'category'],
} as const;
/** The item's facts the rollups read, in `rollup_rows`' argument order. */
const facts = [
  ['year', 'int'],
  ['registered_at', 'timestamptz'],
  ['region_code', 'varchar'],
  ['lead_unit_id', 'uuid'],
  ['category', 'varchar'],
  ['is_key', 'boolean'],
  ['reply_category', 'varchar'],
  ['reply_on_time', 'boolean'],
  ['replied_on', 'date'],
  ['reply_due_on', 'date'],
  ['latest_result', 'varchar'],
  ['coercion_risk', 'boolean'],
] as const;
const args = (row: string) => facts.map(([f]) => `${row}."${f}"`).join(', ');
/** `$from`..`$from + 11`: one side's facts among the function's parameters. */
const params = (from: number) => facts.map((_, i) => `$${from + i}`).join(', ');

/** One grain's upsert of old (sign $1) and new (sign $14) contributions, net, in unique-key order. */
function grainChange(grain: keyof typeof grains): string {
  const keys = grains[grain];
  const cols = [...keys, 'span', 'bucket'];
  const unique = ['scope_code', 'year', 'span', 'bucket', ...keys.slice(2)];
  return `insert into ${s}."suggestion_rollups_${grain}" as t (${[...cols, ...counters].map((c) => `"${c}"`).join(', ')})
    select ${cols.map((c) => (c === 'scope_code' ? 'left(x."scope_code", n)' : `x."${c}"`)).join(', ')},
      ${counters.map((c) => `sum(x."${c}")`).join(', ')}
    from (select * from ${s}."rollup_rows"($1, ${params(2)}) where $1 <> 0
          union all select * from ${s}."rollup_rows"($14, ${params(15)}) where $14 <> 0) x
      cross join unnest(array[2, 4, 6, 9]) n
    where n <= length(x."scope_code")
    group by ${cols.map((_, i) => i + 1).join(', ')}
    having ${counters.map((c) => `sum(x."${c}") <> 0`).join(' or ')}
    order by ${unique.map((k) => cols.indexOf(k) + 1).join(', ')}
    on conflict (${unique.map((k) => `"${k}"`).join(', ')}) do update set ${counters
      .map((c) => `"${c}" = t."${c}" + excluded."${c}"`)
      .join(', ')};`;
}

const factParams = (side: string) => facts.map(([f, t]) => `${side}_${f} ${t}`).join(', ');

export class Migration20261130230000 extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create function ${s}."apply_rollup_change"(old_sign int, ${factParams('o')}, new_sign int, ${factParams('n')})
      returns void language sql as $$
        ${(Object.keys(grains) as (keyof typeof grains)[]).map(grainChange).join('\n')}
      $$;`);
    this.addSql(`create or replace function ${s}."suggestions_rollups"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          if new."withdrawn_at" is null then
            perform ${s}."apply_rollup_change"(0, ${facts.map(() => 'null').join(', ')}, 1, ${args('new')});
          end if;
        elsif tg_op = 'DELETE' then
          if old."withdrawn_at" is null then
            perform ${s}."apply_rollup_change"(-1, ${args('old')}, 0, ${facts.map(() => 'null').join(', ')});
          end if;
        else
          perform ${s}."apply_rollup_change"(case when old."withdrawn_at" is null then -1 else 0 end, ${args('old')},
            case when new."withdrawn_at" is null then 1 else 0 end, ${args('new')});
        end if;
        return null;
      end $$;`);
    // The triggers themselves are unchanged (Migration20261130163000); `apply_rollups` stays for the down.
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function ${s}."suggestions_rollups"() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and old."withdrawn_at" is null then
          perform ${s}."apply_rollups"(-1, ${args('old')});
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new."withdrawn_at" is null then
          perform ${s}."apply_rollups"(1, ${args('new')});
        end if;
        return null;
      end $$;`);
    this.addSql(
      `drop function ${s}."apply_rollup_change"(int, ${facts.map(([, t]) => t).join(', ')}, int, ${facts.map(([, t]) => t).join(', ')});`,
    );
  }
}
