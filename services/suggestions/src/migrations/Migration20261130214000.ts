import { Migration } from '@mikro-orm/migrations';

/** Corrections with a trail (issue 9): a council hearing of a key item (S-9) carries an optimistic version. */
export class Migration20261130214000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "suggestions"."key_hearings" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "suggestions"."key_hearings" drop column "version";`);
  }
}
