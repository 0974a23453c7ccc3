import { Migration } from '@mikro-orm/migrations';

export class Migration20261122043240 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "supervision";`);
    this.addSql(
      `create table "supervision"."appointment_motions" ("id" uuid not null, "kind" varchar(8) not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "nominee_name" varchar(100) not null, "position" varchar(200) not null, "submitted_by" varchar(200) not null, "submitted_on" date not null, "status" varchar(12) not null, "exam_score" double precision null, "statement" text null, "votes_for" int null, "votes_against" int null, "abstentions" int null, "members_total" int null, "voted_on" date null, "sworn_in_on" date null, "official_id" uuid null, constraint "appointment_motions_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "appointment_motions_unit_id_index" on "supervision"."appointment_motions" ("unit_id");`);
    this.addSql(
      `create index "appointment_motions_official_id_index" on "supervision"."appointment_motions" ("official_id");`,
    );
    this.addSql(
      `create index "appointment_motions_region_code_prefix" on "supervision"."appointment_motions" ("region_code" varchar_pattern_ops, "submitted_on");`,
    );

    this.addSql(
      `create table "supervision"."filed_documents" ("id" uuid not null, "title" varchar(300) not null, "document_number" varchar(100) not null, "kind" varchar(20) not null, "issuer_id" uuid not null, "region_code" varchar(9) not null, "published_on" date not null, "filed_on" date not null, "filing_due_on" date not null, "review_status" varchar(20) not null, "review_opinion" text null, "reviewed_on" date null, constraint "filed_documents_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "filed_documents_region_code_prefix" on "supervision"."filed_documents" ("region_code" varchar_pattern_ops, "filed_on");`,
    );
    this.addSql(
      `alter table "supervision"."filed_documents" add constraint "filed_documents_issuer_id_document_number_unique" unique ("issuer_id", "document_number");`,
    );

    this.addSql(
      `create table "supervision"."government_units" ("id" uuid not null, "region_code" varchar(9) not null, "name" varchar(200) not null, "kind" varchar(24) not null, "parent_id" uuid null, constraint "government_units_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "government_units_parent_id_index" on "supervision"."government_units" ("parent_id");`);
    this.addSql(
      `create index "government_units_region_code_prefix" on "supervision"."government_units" ("region_code" varchar_pattern_ops);`,
    );
    this.addSql(
      `alter table "supervision"."government_units" add constraint "government_units_region_code_name_unique" unique ("region_code", "name");`,
    );

    this.addSql(
      `create table "supervision"."inquiries" ("id" uuid not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "subject" varchar(300) not null, "signers" int not null, "filed_on" date not null, "answer_due_on" date not null, "answered_on" date null, "answer" text null, "status" varchar(20) not null, constraint "inquiries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "inquiries_unit_id_index" on "supervision"."inquiries" ("unit_id");`);
    this.addSql(
      `create index "inquiries_region_code_prefix" on "supervision"."inquiries" ("region_code" varchar_pattern_ops, "filed_on");`,
    );

    this.addSql(
      `create table "supervision"."inspection_deputies" ("inspection_id" uuid not null, "deputy_id" uuid not null, constraint "inspection_deputies_pkey" primary key ("inspection_id", "deputy_id"));`,
    );
    this.addSql(
      `create index "inspection_deputies_deputy_id_index" on "supervision"."inspection_deputies" ("deputy_id");`,
    );

    this.addSql(
      `create table "supervision"."inspection_members" ("inspection_id" uuid not null, "member_id" uuid not null, constraint "inspection_members_pkey" primary key ("inspection_id", "member_id"));`,
    );
    this.addSql(
      `create index "inspection_members_member_id_index" on "supervision"."inspection_members" ("member_id");`,
    );

    this.addSql(
      `create table "supervision"."law_inspections" ("id" uuid not null, "law_name" varchar(200) not null, "region_code" varchar(9) not null, "starts_on" date not null, "ends_on" date null, "findings" text null, constraint "law_inspections_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "law_inspections_region_code_prefix" on "supervision"."law_inspections" ("region_code" varchar_pattern_ops, "starts_on");`,
    );

    this.addSql(
      `create table "supervision"."major_matters" ("id" uuid not null, "title" varchar(300) not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "year" int not null, "status" varchar(10) not null, "reported_on" date null, "decided_on" date null, constraint "major_matters_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "major_matters_unit_id_index" on "supervision"."major_matters" ("unit_id");`);
    this.addSql(
      `create index "major_matters_region_code_prefix" on "supervision"."major_matters" ("region_code" varchar_pattern_ops, "year");`,
    );

    this.addSql(
      `create table "supervision"."meeting_attendance" ("id" uuid not null, "meeting_on" date not null, "official_id" uuid not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "status" varchar(8) not null, "leave_reason" text null, constraint "meeting_attendance_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "meeting_attendance_official_id_index" on "supervision"."meeting_attendance" ("official_id");`,
    );
    this.addSql(
      `create index "meeting_attendance_region_code_prefix" on "supervision"."meeting_attendance" ("region_code" varchar_pattern_ops, "meeting_on");`,
    );
    this.addSql(
      `alter table "supervision"."meeting_attendance" add constraint "meeting_attendance_meeting_on_official_id_unique" unique ("meeting_on", "official_id");`,
    );

    this.addSql(
      `create table "supervision"."officials" ("id" uuid not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "name" varchar(100) not null, "position" varchar(200) not null, "status" varchar(10) not null, "appointed_on" date null, "sworn_in_on" date null, "removed_on" date null, constraint "officials_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "officials_unit_id_index" on "supervision"."officials" ("unit_id");`);
    this.addSql(
      `create index "officials_region_code_prefix" on "supervision"."officials" ("region_code" varchar_pattern_ops);`,
    );

    this.addSql(
      `create table "supervision"."opinion_items" ("id" uuid not null, "source_kind" varchar(10) not null, "source_id" uuid not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "content" text not null, "due_on" date not null, "status" varchar(8) not null, "reported_on" date null, "closed_on" date null, constraint "opinion_items_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "opinion_items_unit_id_index" on "supervision"."opinion_items" ("unit_id");`);
    this.addSql(`create index "opinion_items_source_id_index" on "supervision"."opinion_items" ("source_id");`);
    this.addSql(
      `create index "opinion_items_region_code_prefix" on "supervision"."opinion_items" ("region_code" varchar_pattern_ops, "due_on");`,
    );

    this.addSql(
      `create table "supervision"."performance_reviews" ("official_id" uuid not null, "year" int not null, "region_code" varchar(9) not null, "report_summary" text not null, "satisfied" int not null, "basically_satisfied" int not null, "dissatisfied" int not null, constraint "performance_reviews_pkey" primary key ("official_id", "year"));`,
    );

    this.addSql(
      `create table "supervision"."reports" ("id" uuid not null, "kind" varchar(24) not null, "title" varchar(300) not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "heard_on" date not null, "satisfied" int null, "basically_satisfied" int null, "dissatisfied" int null, constraint "reports_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "reports_unit_id_index" on "supervision"."reports" ("unit_id");`);
    this.addSql(
      `create index "reports_region_code_prefix" on "supervision"."reports" ("region_code" varchar_pattern_ops, "heard_on");`,
    );

    this.addSql(
      `create table "supervision"."work_evaluations" ("id" uuid not null, "unit_id" uuid not null, "region_code" varchar(9) not null, "year" int not null, "subject" varchar(300) not null, "satisfied" int null, "basically_satisfied" int null, "dissatisfied" int null, constraint "work_evaluations_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "work_evaluations_unit_id_index" on "supervision"."work_evaluations" ("unit_id");`);
    this.addSql(
      `create index "work_evaluations_region_code_prefix" on "supervision"."work_evaluations" ("region_code" varchar_pattern_ops, "year");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "supervision"."appointment_motions" cascade;`);

    this.addSql(`drop table if exists "supervision"."filed_documents" cascade;`);

    this.addSql(`drop table if exists "supervision"."government_units" cascade;`);

    this.addSql(`drop table if exists "supervision"."inquiries" cascade;`);

    this.addSql(`drop table if exists "supervision"."inspection_deputies" cascade;`);

    this.addSql(`drop table if exists "supervision"."inspection_members" cascade;`);

    this.addSql(`drop table if exists "supervision"."law_inspections" cascade;`);

    this.addSql(`drop table if exists "supervision"."major_matters" cascade;`);

    this.addSql(`drop table if exists "supervision"."meeting_attendance" cascade;`);

    this.addSql(`drop table if exists "supervision"."officials" cascade;`);

    this.addSql(`drop table if exists "supervision"."opinion_items" cascade;`);

    this.addSql(`drop table if exists "supervision"."performance_reviews" cascade;`);

    this.addSql(`drop table if exists "supervision"."reports" cascade;`);

    this.addSql(`drop table if exists "supervision"."work_evaluations" cascade;`);

    this.addSql(`drop schema if exists "supervision";`);
  }
}
