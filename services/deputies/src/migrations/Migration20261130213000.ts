import { Migration } from '@mikro-orm/migrations';

/**
 * Corrections with a trail (issue 9): a committee member's meeting attendance (D-8) gets its own id (the audit log
 * names it), an optimistic version and a withdrawal mark.
 */
export class Migration20261130213000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" add column "id" uuid not null default gen_random_uuid(), add column "version" int not null default 1, add column "withdrawn_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" add constraint "committee_meeting_attendance_id_unique" unique ("id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" drop column "id", drop column "version", drop column "withdrawn_at";`,
    );
  }
}
