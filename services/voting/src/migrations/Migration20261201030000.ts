import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 at province scale (issue 10): the rollups `votingFigures` reads, kept by row triggers in the transaction
 * of every write to the ballots, evaluation rounds and their tallies.
 *
 * `voting_rollups` holds one row per subtree (`scope_code`: the row's region and each ancestor, as the suggestion
 * rollups' `T` rows), month of the closing instant in Asia/Shanghai (`year`, `month`) and length of the counted
 * rows' region code (`len`, their level): closed ballots with their turnout counts, and the project ratings of
 * closed rounds. The distinct count of regions that voted does not add up over months, so it is kept twice:
 * `regions_month` counts the regions that closed a ballot in the month, `regions_year` those whose first closed
 * ballot of the year is in the month (a year's count is the sum of its months' `regions_year`, and up to any
 * month as well). Both come from `voting_region_months`: each region's closed ballots per month (`month` 0: the
 * year's, whose row each ballot write locks first, so that writers of one region and year go one at a time and
 * each sees the months the other wrote).
 *
 * As the rollups of the suggestions (Migration20261130230000), each write changes a grain in one statement that
 * adds the old and new contributions together (rows whose net change is zero untouched) and takes its rows in the
 * unique key's order: the region-year markers, then the rollups, then the region-month markers. Every single-row
 * write thus locks rows in one global order, and no two such writes wait for each other in a cycle.
 *
 * `voting_rollups_recount` and `voting_region_months_recount` are what the tables must hold, computed from the
 * base tables: `rebuild_rollups()` (the `rollups:rebuild` command) writes them, the drift check compares them.
 */
const s = '"voting"';
const month = (t: string) => `extract(month from ${t} at time zone 'Asia/Shanghai')::int`;
const year = (t: string) => `extract(year from ${t} at time zone 'Asia/Shanghai')::int`;
const counters = ['votes', 'cast', 'roll', 'regions_month', 'regions_year', 'rated_projects', 'content', 'rated'];
const sums = (from: string) => counters.map((c) => `sum(${from}."${c}")::int as "${c}"`).join(', ');
const ancestors = (from: string) => `cross join unnest(array[2, 4, 6, 9]) n where n <= length(${from}."region_code")`;
const rollupKey = ['scope_code', 'year', 'month', 'len'];

/** Upserts `select` (columns: the key, then the counters) into the rollups, net of zero, in key order. */
const upsertRollups = (select: string) => `insert into ${s}."voting_rollups" as t (${[...rollupKey, ...counters]
  .map((c) => `"${c}"`)
  .join(', ')})
    select * from (${select}) x
    where ${counters.map((c) => `x."${c}" <> 0`).join(' or ')}
    order by 1, 2, 3, 4
    on conflict (${rollupKey.map((k) => `"${k}"`).join(', ')}) do update set ${counters
      .map((c) => `"${c}" = t."${c}" + excluded."${c}"`)
      .join(', ')};`;

/** Contributions `c` (region_code, year, month and the counters) counted into every ancestor's row. */
const intoAncestors = (c: string) =>
  `select left(c."region_code", n)::varchar(9) as scope_code, c."year", c."month", length(c."region_code") as len, ${sums('c')}
   from (${c}) c ${ancestors('c')}
   group by 1, 2, 3, 4`;

const zeros = (except: Record<string, string>) => counters.map((c) => `${except[c] ?? '0'} as "${c}"`).join(', ');

export class Migration20261201030000 extends Migration {
  override async up(): Promise<void> {
    // The month of the last measuring day is read from the base rows: by closing instant, whatever the subtree.
    this.addSql(
      `create index "ballots_closed_at" on ${s}."ballots" ("closed_at") include ("region_code", "status", "ballots_cast", "roll_size");`,
    );
    this.addSql(
      `create index "evaluation_rounds_closed_at" on ${s}."evaluation_rounds" ("closed_at") include ("region_code", "status", "id");`,
    );
    this.addSql(`create table ${s}."voting_region_months" (
      "region_code" varchar(9) not null, "year" int not null, "month" smallint not null, "ballots" int not null,
      primary key ("region_code", "year", "month"));`);
    this.addSql(`create table ${s}."voting_rollups" (
      "scope_code" varchar(9) not null, "year" int not null, "month" smallint not null, "len" smallint not null,
      ${counters.map((c) => `"${c}" int not null default 0`).join(', ')},
      primary key ("scope_code", "year", "month", "len"));`);

    // What the tables must hold, from the base tables.
    this.addSql(`create view ${s}."voting_region_months_recount" as
      select "region_code", ${year('"closed_at"')} as "year", ${month('"closed_at"')} as "month", count(*)::int as "ballots"
      from ${s}."ballots" where "status" = 'CLOSED' and "closed_at" is not null group by 1, 2, 3
      union all
      select "region_code", ${year('"closed_at"')}, 0, count(*)::int
      from ${s}."ballots" where "status" = 'CLOSED' and "closed_at" is not null group by 1, 2;`);
    this.addSql(`create view ${s}."voting_rollups_recount" as
      with b as (
        select "region_code", ${year('"closed_at"')} as "year", ${month('"closed_at"')} as "month", "ballots_cast", "roll_size"
        from ${s}."ballots" where "status" = 'CLOSED' and "closed_at" is not null),
      months as (select distinct "region_code", "year", "month" from b),
      contributions as (
        select "region_code", "year", "month", ${zeros({ votes: '1', cast: '"ballots_cast"', roll: '"roll_size"' })} from b
        union all select "region_code", "year", "month", ${zeros({ regions_month: '1' })} from months
        union all select "region_code", "year", min("month"), ${zeros({ regions_year: '1' })} from months group by 1, 2
        union all select r."region_code", ${year('r."closed_at"')}, ${month('r."closed_at"')}, ${zeros({
          rated_projects: '1',
          content: 't."satisfied" + t."basically_satisfied"',
          rated: 't."satisfied" + t."basically_satisfied" + t."dissatisfied"',
        })}
          from ${s}."evaluation_rounds" r join ${s}."evaluation_tallies" t on t."round_id" = r."id"
          where r."status" = 'CLOSED' and r."closed_at" is not null)
      ${intoAncestors('select * from contributions')};`);
    this.addSql(`create function ${s}."rebuild_rollups"() returns void language sql as $$
      delete from ${s}."voting_region_months";
      insert into ${s}."voting_region_months" select * from ${s}."voting_region_months_recount";
      delete from ${s}."voting_rollups";
      insert into ${s}."voting_rollups" select * from ${s}."voting_rollups_recount";
    $$;`);

    // A ballot's change: old contribution (sign o_sign: -1 or 0) and new (n_sign: 1 or 0), net.
    const side = (p: string) =>
      `${p}_sign int, ${p}_region varchar, ${p}_closed timestamptz, ${p}_cast int, ${p}_roll int`;
    this
      .addSql(`create function ${s}."apply_ballot_change"(${side('o')}, ${side('n')}) returns void language plpgsql as $$
      begin
        -- 1. The region-year markers, locked in key order (a net change of zero still locks).
        insert into ${s}."voting_region_months" as t ("region_code", "year", "month", "ballots")
          select v.region, ${year('v.closed')}, 0, sum(v.sign)
          from (values (o_sign, o_region, o_closed), (n_sign, n_region, n_closed)) v(sign, region, closed)
          where v.sign <> 0 group by 1, 2 order by 1, 2
          on conflict ("region_code", "year", "month") do update set "ballots" = t."ballots" + excluded."ballots";
        -- 2. The rollups: the ballot's counters, and the regions whose months or first month of the year change
        -- (this statement sees every write committed before the markers' locks were granted).
        with change as (
          select v.sign, v.region as region_code, ${year('v.closed')} as year, ${month('v.closed')} as month, v.cast_, v.roll
          from (values (o_sign, o_region, o_closed, o_cast, o_roll), (n_sign, n_region, n_closed, n_cast, n_roll))
            v(sign, region, closed, cast_, roll)
          where v.sign <> 0),
        cells as (select region_code, year, month, sum(sign) as delta from change group by 1, 2, 3),
        before as (
          select m."region_code" as region_code, m."year" as year, m."month" as month, m."ballots" as ballots
          from ${s}."voting_region_months" m
          where m."month" > 0 and m."ballots" > 0
            and (m."region_code", m."year") in (select region_code, year from cells)),
        after as (
          select region_code, year, month from (select * from before union all select * from cells) x
          group by 1, 2, 3 having sum(ballots) > 0),
        contributions as (
          select region_code, year, month, ${zeros({ votes: 'sign', cast: 'sign * cast_', roll: 'sign * roll' })} from change
          union all select region_code, year, month, ${zeros({ regions_month: '1' })} from after
          union all select region_code, year, month, ${zeros({ regions_month: '-1' })} from before
          union all select region_code, year, min(month), ${zeros({ regions_year: '1' })} from after group by 1, 2
          union all select region_code, year, min(month), ${zeros({ regions_year: '-1' })} from before group by 1, 2)
        ${upsertRollups(intoAncestors('select * from contributions'))}
        -- 3. The region-month markers.
        insert into ${s}."voting_region_months" as t ("region_code", "year", "month", "ballots")
          select region, ${year('closed')}, ${month('closed')}, sum(sign)
          from (values (o_sign, o_region, o_closed), (n_sign, n_region, n_closed)) v(sign, region, closed)
          where sign <> 0 group by 1, 2, 3 having sum(sign) <> 0 order by 1, 2, 3
          on conflict ("region_code", "year", "month") do update set "ballots" = t."ballots" + excluded."ballots";
      end $$;`);

    // A rating change: a closed round's tallies (count, content, rated) out of the old place and into the new.
    const ratings = (p: string) =>
      `${p}_sign int, ${p}_region varchar, ${p}_closed timestamptz, ${p}_projects int, ${p}_content int, ${p}_rated int`;
    this
      .addSql(`create function ${s}."apply_rating_change"(${ratings('o')}, ${ratings('n')}) returns void language sql as $$
      ${upsertRollups(
        intoAncestors(`select v.region as region_code, ${year('v.closed')} as year, ${month('v.closed')} as month,
          ${zeros({ rated_projects: 'v.sign * v.projects', content: 'v.sign * v.content', rated: 'v.sign * v.rated' })}
        from (values (o_sign, o_region, o_closed, o_projects, o_content, o_rated),
                     (n_sign, n_region, n_closed, n_projects, n_content, n_rated)) v(sign, region, closed, projects, content, rated)
        where v.sign <> 0`),
      )}
    $$;`);

    const counted = (row: string) =>
      `(case when ${row}."status" = 'CLOSED' and ${row}."closed_at" is not null then 1 else 0 end)`;
    const ballot = (row: string) =>
      `${row}."region_code", ${row}."closed_at", ${row}."ballots_cast", ${row}."roll_size"`;
    this.addSql(`create function ${s}."ballots_rollups"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform ${s}."apply_ballot_change"(0, null, null, null, null, ${counted('new')}, ${ballot('new')});
        elsif tg_op = 'DELETE' then
          perform ${s}."apply_ballot_change"(-${counted('old')}, ${ballot('old')}, 0, null, null, null, null);
        else
          perform ${s}."apply_ballot_change"(-${counted('old')}, ${ballot('old')}, ${counted('new')}, ${ballot('new')});
        end if;
        return null;
      end $$;`);
    // A round's tallies as they are (a tally written while the round is closed is counted by the tallies' trigger).
    this.addSql(`create function ${s}."rounds_rollups"() returns trigger language plpgsql as $$
      declare round uuid; projects int; content int; rated int;
      begin
        if tg_op = 'INSERT' then round := new."id"; else round := old."id"; end if;
        select count(*)::int, coalesce(sum(t."satisfied" + t."basically_satisfied"), 0)::int,
               coalesce(sum(t."satisfied" + t."basically_satisfied" + t."dissatisfied"), 0)::int
          into projects, content, rated
          from ${s}."evaluation_tallies" t where t."round_id" = round;
        if projects = 0 then return null; end if;
        if tg_op = 'INSERT' then
          perform ${s}."apply_rating_change"(0, null, null, 0, 0, 0, ${counted('new')}, new."region_code", new."closed_at", projects, content, rated);
        elsif tg_op = 'DELETE' then
          perform ${s}."apply_rating_change"(-${counted('old')}, old."region_code", old."closed_at", projects, content, rated, 0, null, null, 0, 0, 0);
        else
          perform ${s}."apply_rating_change"(-${counted('old')}, old."region_code", old."closed_at", projects, content, rated,
            ${counted('new')}, new."region_code", new."closed_at", projects, content, rated);
        end if;
        return null;
      end $$;`);
    // A tally counts where its round is, while the round is closed. The round's row is read with a share lock:
    // a round closed by a concurrent transaction is waited for, and then seen closed (and a round's own trigger,
    // whose update waits for this lock, then sees the tally).
    this.addSql(`create function ${s}."tallies_rollups"() returns trigger language plpgsql as $$
      declare
        o_region varchar; o_closed timestamptz; o_content int := 0; o_rated int := 0;
        n_region varchar; n_closed timestamptz; n_content int := 0; n_rated int := 0;
      begin
        if tg_op <> 'INSERT' then
          select r."region_code", r."closed_at" into o_region, o_closed from ${s}."evaluation_rounds" r
           where r."id" = old."round_id" and r."status" = 'CLOSED' and r."closed_at" is not null for share;
          o_content := old."satisfied" + old."basically_satisfied";
          o_rated := o_content + old."dissatisfied";
        end if;
        if tg_op <> 'DELETE' then
          select r."region_code", r."closed_at" into n_region, n_closed from ${s}."evaluation_rounds" r
           where r."id" = new."round_id" and r."status" = 'CLOSED' and r."closed_at" is not null for share;
          n_content := new."satisfied" + new."basically_satisfied";
          n_rated := n_content + new."dissatisfied";
        end if;
        perform ${s}."apply_rating_change"(
          case when o_region is null then 0 else -1 end, o_region, o_closed, 1, o_content, o_rated,
          case when n_region is null then 0 else 1 end, n_region, n_closed, 1, n_content, n_rated);
        return null;
      end $$;`);

    // Writes that cannot change a figure (an open ballot's turnout counter, an open round's responses) fire nothing.
    for (const [table, fn, columns, counts] of [
      ['ballots', 'ballots_rollups', '"status", "closed_at", "region_code", "ballots_cast", "roll_size"', true],
      ['evaluation_rounds', 'rounds_rollups', '"status", "closed_at", "region_code"', true],
      [
        'evaluation_tallies',
        'tallies_rollups',
        '"round_id", "satisfied", "basically_satisfied", "dissatisfied"',
        false,
      ],
    ] as const) {
      const when = (row: string) => (counts ? ` when (${row}."status" = 'CLOSED')` : '');
      this.addSql(`create trigger "${table}_rollups_insert" after insert on ${s}."${table}"
        for each row${when('new')} execute function ${s}."${fn}"();`);
      this.addSql(`create trigger "${table}_rollups_update" after update of ${columns} on ${s}."${table}"
        for each row${counts ? ` when (old."status" = 'CLOSED' or new."status" = 'CLOSED')` : ''} execute function ${s}."${fn}"();`);
      this.addSql(`create trigger "${table}_rollups_delete" after delete on ${s}."${table}"
        for each row${when('old')} execute function ${s}."${fn}"();`);
    }
    // A truncation fires no row trigger: the rollups are recounted.
    this.addSql(`create function ${s}."rollups_truncated"() returns trigger language plpgsql as $$
      begin perform ${s}."rebuild_rollups"(); return null; end $$;`);
    for (const table of ['ballots', 'evaluation_rounds', 'evaluation_tallies'])
      this.addSql(`create trigger "${table}_rollups_truncate" after truncate on ${s}."${table}"
        for each statement execute function ${s}."rollups_truncated"();`);
    this.addSql(`select ${s}."rebuild_rollups"();`);
  }

  override async down(): Promise<void> {
    for (const table of ['ballots', 'evaluation_rounds', 'evaluation_tallies'])
      for (const op of ['insert', 'update', 'delete', 'truncate'])
        this.addSql(`drop trigger "${table}_rollups_${op}" on ${s}."${table}";`);
    this.addSql(`drop function ${s}."rollups_truncated"();`);
    this.addSql(`drop function ${s}."ballots_rollups"();`);
    this.addSql(`drop function ${s}."rounds_rollups"();`);
    this.addSql(`drop function ${s}."tallies_rollups"();`);
    this.addSql(
      `drop function ${s}."apply_ballot_change"(int, varchar, timestamptz, int, int, int, varchar, timestamptz, int, int);`,
    );
    this.addSql(
      `drop function ${s}."apply_rating_change"(int, varchar, timestamptz, int, int, int, int, varchar, timestamptz, int, int, int);`,
    );
    this.addSql(`drop function ${s}."rebuild_rollups"();`);
    this.addSql(`drop view ${s}."voting_rollups_recount";`);
    this.addSql(`drop view ${s}."voting_region_months_recount";`);
    this.addSql(`drop table ${s}."voting_rollups";`);
    this.addSql(`drop table ${s}."voting_region_months";`);
    this.addSql(`drop index ${s}."evaluation_rounds_closed_at";`);
    this.addSql(`drop index ${s}."ballots_closed_at";`);
  }
}
