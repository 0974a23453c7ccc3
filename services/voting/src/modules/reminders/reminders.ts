import { calendarDateOf } from '@renda/server-kit/dates';
import { notYetReminded, type ReminderJob } from '@renda/outbox/reminders';

/** Rows per round: the next round picks up the rest. */
const batch = 200;

/**
 * V-1, V-6: a ballot open for `afterHours` is reminded of once to its whole roll (the deputies who
 * may vote), while its session sits. V-3: the reminder goes to every deputy on the roll, voted or
 * not, so it says nothing about who has voted.
 */
export function votingReminderJobs(rules: { ballotOpenHours: number }): ReminderJob[] {
  return [
    {
      kind: 'ballot-open',
      async due(knex, now) {
        const since = new Date(now.getTime() - rules.ballotOpenHours * 3_600_000).toISOString();
        const rows = await knex.transaction(
          async (trx) =>
            (
              (await trx.raw(
                `select b."id", b."program_id", b."region_code", b."opened_at", b."method", p."title",
                   (select array_agg(r."deputy_id"::text order by r."deputy_id") from "voting"."ballot_roll" r where r."ballot_id" = b."id") as "roll"
                 from "voting"."ballots" b join "voting"."programs" p on p."id" = b."program_id"
                 where b."status" = 'OPEN' and b."opened_at" <= ?::timestamptz
                   and ${notYetReminded('voting', 'ballot-open', 'b."id"', `(b."opened_at" at time zone 'Asia/Shanghai')::date`)}
                 order by b."opened_at", b."id" limit ${batch}`,
                [since],
              )) as {
                rows: {
                  id: string;
                  program_id: string;
                  region_code: string;
                  opened_at: Date;
                  method: string;
                  title: string;
                  roll: string[] | null;
                }[];
              }
            ).rows,
        );
        return rows.map((r) => ({
          subjectId: r.id,
          deadline: calendarDateOf(new Date(r.opened_at)),
          event: {
            type: 'reminder.ballot-open',
            aggregateType: 'ballot',
            aggregateId: r.id,
            regionCode: r.region_code,
            data: {
              rule: 'V-6',
              programId: r.program_id,
              programTitle: r.title,
              method: r.method,
              openedAt: new Date(r.opened_at).toISOString(),
              openForHours: rules.ballotOpenHours,
            },
            audience: { deputyIds: r.roll ?? [], regionCode: r.region_code },
          },
        }));
      },
    },
  ];
}
