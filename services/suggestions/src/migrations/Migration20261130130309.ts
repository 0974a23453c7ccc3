import { Migration } from '@mikro-orm/migrations';

/** D-10: a VOTER_OPINION keeps the contact (and which of its opinions) it was referred from; each opinion once. */
export class Migration20261130130309 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "suggestions"."suggestions" add column "source_contact_id" uuid null, add column "source_opinion_index" int null;`,
    );
    this.addSql(
      `create index "suggestions_source_contact_id_index" on "suggestions"."suggestions" ("source_contact_id");`,
    );
    this.addSql(
      `create unique index "suggestions_source_opinion_unique" on "suggestions"."suggestions" ("source_contact_id", "source_opinion_index") where "source_contact_id" is not null;`,
    );
    this.addSql(
      `alter table "suggestions"."suggestions" add constraint "suggestions_source_check" check (("source_contact_id" is null) = ("source_opinion_index" is null) and ("source_contact_id" is null or "kind" = 'VOTER_OPINION'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "suggestions"."suggestions" drop column "source_contact_id", drop column "source_opinion_index";`,
    );
  }
}
