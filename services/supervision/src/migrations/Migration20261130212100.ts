import { Migration } from '@mikro-orm/migrations';

/** Corrections with a trail (issue 9): an opinion item (G-3) carries an optimistic version. */
export class Migration20261130212100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "supervision"."opinion_items" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "supervision"."opinion_items" drop column "version";`);
  }
}
