import { Migration } from '@mikro-orm/migrations';

/**
 * Corrections with a trail (issue 9): a supervision sheet (S-5) and a standing-committee vote (S-9) carry an
 * optimistic version, for `correctSheet` and `correctCommitteeVote`.
 */
export class Migration20261130234000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "suggestions"."supervision_sheets" add column "version" int not null default 1;`);
    this.addSql(`alter table "suggestions"."committee_votes" add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "suggestions"."committee_votes" drop column "version";`);
    this.addSql(`alter table "suggestions"."supervision_sheets" drop column "version";`);
  }
}
