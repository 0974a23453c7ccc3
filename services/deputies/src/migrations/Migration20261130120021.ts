import { Migration } from '@mikro-orm/migrations';

/** D-12 persons behind mandates, D-13 leading cadres. */
export class Migration20261130120021 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "deputies"."persons" ("id" uuid not null, "name" varchar(100) not null, constraint "persons_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "deputies"."deputies" add column "person_id" uuid null, add column "leading_cadre" boolean not null default false;`,
    );
    // Every existing mandate becomes its own person (the same id): staff join a person's mandates later.
    this.addSql(`insert into "deputies"."persons" ("id", "name") select "id", "name" from "deputies"."deputies";`);
    this.addSql(`update "deputies"."deputies" set "person_id" = "id";`);
    this.addSql(`alter table "deputies"."deputies" alter column "person_id" set not null;`);
    this.addSql(`create index "deputies_person_id_index" on "deputies"."deputies" ("person_id");`);
    this.addSql(
      `alter table "deputies"."deputies" add constraint "deputies_person_fk" foreign key ("person_id") references "deputies"."persons" ("id") deferrable initially deferred;`,
    );
    // One mandate per person and congress.
    this.addSql(
      `alter table "deputies"."deputies" add constraint "deputies_person_congress_unique" unique ("person_id", "congress_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deputies"."deputies" drop column "person_id", drop column "leading_cadre";`);
    this.addSql(`drop table if exists "deputies"."persons" cascade;`);
  }
}
