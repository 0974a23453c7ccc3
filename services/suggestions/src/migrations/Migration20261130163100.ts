import { Migration } from '@mikro-orm/migrations';

/** 更正 a reply's version, for `correctReply` (issue 9). */
export class Migration20261130163100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "suggestions"."replies" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "suggestions"."replies" drop column "version";`);
  }
}
