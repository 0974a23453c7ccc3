import { Migration } from '@mikro-orm/migrations';

const s = '"deputies"';

/**
 * Corrections with a trail (issue 9) for session attendance (D-8) and group reviews (D-14).
 *
 * `session_attendance` gets its own id (the audit log names it), an optimistic version, a withdrawal mark, a reason
 * of leave (EXCUSED only) and `ended_mandate`: the fact, stored at write time, that this row's absence was the
 * second one that TERMINATED the deputy's mandate, so that correcting it away can restore that mandate and nothing
 * else. Existing rows: the second ABSENT (in session order) of each deputy whose mandate D-8 terminated is marked.
 *
 * `group_reviews` gets an optimistic version.
 */
export class Migration20261130233000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table ${s}."session_attendance" add column "id" uuid not null default gen_random_uuid(), add column "version" int not null default 1, add column "withdrawn_at" timestamptz null, add column "leave_reason" varchar(500) null, add column "ended_mandate" boolean not null default false;`,
    );
    this.addSql(`alter table ${s}."session_attendance" add constraint "session_attendance_id_unique" unique ("id");`);
    this.addSql(
      `alter table ${s}."session_attendance" add constraint "session_attendance_leave_reason_check" check ("leave_reason" is null or "status" = 'EXCUSED');`,
    );
    this.addSql(`update ${s}."session_attendance" a set "ended_mandate" = true
      from (
        select a2."session_id", a2."deputy_id",
               row_number() over (partition by a2."deputy_id", a2."congress_id" order by s2."opens_on", s2."number") as nth
        from ${s}."session_attendance" a2
        join ${s}."congress_sessions" s2 on s2."id" = a2."session_id"
        join ${s}."deputies" d on d."id" = a2."deputy_id"
        where a2."status" = 'ABSENT' and d."status" = 'TERMINATED' and d."status_reason" like 'Absent without approval from %'
      ) x
      where x.nth = 2 and a."session_id" = x."session_id" and a."deputy_id" = x."deputy_id";`);
    this.addSql(`alter table ${s}."group_reviews" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table ${s}."group_reviews" drop column "version";`);
    this.addSql(
      `alter table ${s}."session_attendance" drop column "id", drop column "version", drop column "withdrawn_at", drop column "leave_reason", drop column "ended_mandate";`,
    );
  }
}
