import { Migration } from '@mikro-orm/migrations';

/** Corrections with a trail (issue 9): meeting attendance (G-5) carries an optimistic version and can be withdrawn. */
export class Migration20261130212000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "supervision"."meeting_attendance" add column "version" int not null default 1, add column "withdrawn_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "supervision"."meeting_attendance" drop column "version", drop column "withdrawn_at";`);
  }
}
