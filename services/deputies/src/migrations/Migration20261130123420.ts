import { Migration } from '@mikro-orm/migrations';

/** D-15: voters' evaluation of a duty report, as a tally on the report's contact record. */
export class Migration20261130123420 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "deputies"."contact_records" add column "voter_satisfied" int null, add column "voter_basically_satisfied" int null, add column "voter_dissatisfied" int null;`,
    );
    // All three or none, never negative, only on a duty report, never more than the voters who took part.
    this
      .addSql(`alter table "deputies"."contact_records" add constraint "contact_records_voter_evaluation_check" check (
      ("voter_satisfied" is null and "voter_basically_satisfied" is null and "voter_dissatisfied" is null)
      or ("kind" = 'DUTY_REPORT' and "voter_satisfied" >= 0 and "voter_basically_satisfied" >= 0 and "voter_dissatisfied" >= 0
          and "voter_satisfied" + "voter_basically_satisfied" + "voter_dissatisfied" <= coalesce("participants", 0))
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "deputies"."contact_records" drop column "voter_satisfied", drop column "voter_basically_satisfied", drop column "voter_dissatisfied";`,
    );
  }
}
