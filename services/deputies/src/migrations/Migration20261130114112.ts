import { Migration } from '@mikro-orm/migrations';

/**
 * F-1: a deputy's mandate carries its dates, so a past year counts the deputies in office during it.
 * Existing rows start with their congress; a mandate that had already ended gets today's date as its
 * end (the day it was last known to have ended by), since the old rows kept no date.
 */
export class Migration20261130114112 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "deputies"."deputies" add column "mandate_starts_on" date null, add column "mandate_ends_on" date null;`,
    );
    this.addSql(
      `update "deputies"."deputies" d set "mandate_starts_on" = c."starts_on" from "deputies"."congresses" c where c."id" = d."congress_id";`,
    );
    this.addSql(
      `update "deputies"."deputies" set "mandate_starts_on" = current_date where "mandate_starts_on" is null;`,
    );
    this.addSql(
      `update "deputies"."deputies" set "mandate_ends_on" = greatest("mandate_starts_on", current_date) where "status" <> 'ACTIVE';`,
    );
    this.addSql(`alter table "deputies"."deputies" alter column "mandate_starts_on" set not null;`);
    this.addSql(
      `alter table "deputies"."deputies" add constraint "deputies_mandate_dates_check" check ("mandate_ends_on" is null or "mandate_ends_on" >= "mandate_starts_on");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deputies"."deputies" drop constraint "deputies_mandate_dates_check";`);
    this.addSql(`alter table "deputies"."deputies" drop column "mandate_starts_on", drop column "mandate_ends_on";`);
  }
}
