import { Migration } from '@mikro-orm/migrations';

export class Migration20261130114907 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "deputies"."committee_meetings" ("id" uuid not null, "congress_id" uuid not null, "region_code" varchar(9) not null, "held_on" date not null, "title" varchar(200) not null, constraint "committee_meetings_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "committee_meetings_congress_id_held_on_index" on "deputies"."committee_meetings" ("congress_id", "held_on");`,
    );

    this.addSql(
      `create table "deputies"."committee_meeting_attendance" ("meeting_id" uuid not null, "member_id" uuid not null, "congress_id" uuid not null, "held_on" date not null, "status" varchar(8) not null, "leave_reason" varchar(500) null, constraint "committee_meeting_attendance_pkey" primary key ("meeting_id", "member_id"));`,
    );
    this.addSql(
      `create index "committee_meeting_attendance_member_id_held_on_index" on "deputies"."committee_meeting_attendance" ("member_id", "held_on");`,
    );

    this.addSql(
      `create table "deputies"."group_reviews" ("group_id" uuid not null, "year" int not null, "comment" text not null, "reviewed_on" date not null, "reviewed_by" varchar(200) not null, constraint "group_reviews_pkey" primary key ("group_id", "year"));`,
    );

    this.addSql(`alter table "deputies"."contact_records" add column "group_id" uuid null;`);
    this.addSql(`create index "contact_records_group_id_index" on "deputies"."contact_records" ("group_id");`);

    // Integrity the rules rely on, kept by the database itself.
    this.addSql(
      `alter table "deputies"."committee_meetings" add constraint "committee_meetings_congress_fk" foreign key ("congress_id") references "deputies"."congresses" ("id") deferrable initially deferred;`,
    );
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" add constraint "committee_meeting_attendance_meeting_fk" foreign key ("meeting_id") references "deputies"."committee_meetings" ("id") deferrable initially deferred;`,
    );
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" add constraint "committee_meeting_attendance_member_fk" foreign key ("member_id") references "deputies"."committee_members" ("id") deferrable initially deferred;`,
    );
    this.addSql(
      `alter table "deputies"."committee_meeting_attendance" add constraint "committee_meeting_attendance_status_check" check ("status" in ('PRESENT', 'EXCUSED', 'ABSENT') and (("status" = 'EXCUSED') = ("leave_reason" is not null)));`,
    );
    this.addSql(
      `alter table "deputies"."group_reviews" add constraint "group_reviews_group_fk" foreign key ("group_id") references "deputies"."deputy_groups" ("id") deferrable initially deferred;`,
    );
    this.addSql(
      `alter table "deputies"."contact_records" add constraint "contact_records_group_fk" foreign key ("group_id") references "deputies"."deputy_groups" ("id") deferrable initially deferred;`,
    );
    // D-14: a group activity belongs to a group: earlier ones to the group of the deputy who took part.
    this.addSql(
      `update "deputies"."contact_records" c set "group_id" = d."group_id" from "deputies"."deputies" d where c."kind" = 'GROUP_ACTIVITY' and d."id" = c."deputy_id";`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "deputies"."committee_meetings" cascade;`);

    this.addSql(`drop table if exists "deputies"."committee_meeting_attendance" cascade;`);

    this.addSql(`drop table if exists "deputies"."group_reviews" cascade;`);

    this.addSql(`drop index "deputies"."contact_records_group_id_index";`);
    this.addSql(`alter table "deputies"."contact_records" drop column "group_id";`);
  }
}
