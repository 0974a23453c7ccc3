import { Migration } from '@mikro-orm/migrations';

/**
 * F-1, D-9: a liaison station keeps the day it was established and, once closed, the day it closed, so a
 * year's station figures count the stations open during it. Stations registered before this was kept have no
 * establishment day (they count as open from the start).
 */
export class Migration20261130144100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "deputies"."liaison_stations" add column "established_on" date null, add column "closed_on" date null;`,
    );
    this.addSql(
      `alter table "deputies"."liaison_stations" add constraint "liaison_stations_dates_check" check ("closed_on" is null or "established_on" is null or "closed_on" >= "established_on");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deputies"."liaison_stations" drop constraint "liaison_stations_dates_check";`);
    this.addSql(`alter table "deputies"."liaison_stations" drop column "established_on", drop column "closed_on";`);
  }
}
