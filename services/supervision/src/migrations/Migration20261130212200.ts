import { Migration } from '@mikro-orm/migrations';

/** Corrections with a trail (issue 9): a heard report (G-1) carries an optimistic version for its tally's correction. */
export class Migration20261130212200 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "supervision"."reports" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "supervision"."reports" drop column "version";`);
  }
}
