import { Migration } from '@mikro-orm/migrations';

/** The notifications hub: events taken in, webhooks with their delivery log, in-app notifications. */
export class Migration20261130142000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "deputies"."processed_events" (
      "event_id" uuid not null primary key,
      "service" varchar(20) not null,
      "type" varchar(100) not null,
      "received_at" timestamptz not null
    );`);
    this.addSql(`create table "deputies"."webhooks" (
      "id" uuid not null primary key,
      "url" varchar(2000) not null check ("url" ~ '^https?://'),
      "region_code" varchar(12) not null,
      "event_types" text[] not null check (cardinality("event_types") between 1 and 50),
      "description" varchar(500) null,
      "secret" varchar(100) not null,
      "enabled" boolean not null default true,
      "created_by" varchar(200) not null,
      "created_at" timestamptz not null,
      "secret_issued_at" timestamptz not null
    );`);
    this.addSql(
      `create index "webhooks_region_code_index" on "deputies"."webhooks" ("region_code" varchar_pattern_ops);`,
    );
    this.addSql(`create table "deputies"."webhook_deliveries" (
      "id" uuid not null primary key,
      "seq" bigserial not null unique,
      "webhook_id" uuid not null references "deputies"."webhooks" ("id") on delete cascade,
      "event_id" uuid not null,
      "event_type" varchar(100) not null,
      "payload" jsonb not null,
      "status" varchar(10) not null check ("status" in ('PENDING', 'SUCCEEDED', 'PARKED')),
      "attempts" int not null default 0 check ("attempts" >= 0),
      "failures" int not null default 0 check ("failures" >= 0),
      "next_attempt_at" timestamptz null,
      "created_at" timestamptz not null,
      "delivered_at" timestamptz null,
      constraint "webhook_deliveries_webhook_id_event_id_unique" unique ("webhook_id", "event_id"),
      constraint "webhook_deliveries_next_attempt_check" check (("status" = 'PENDING') = ("next_attempt_at" is not null))
    );`);
    // The worker's claim: due PENDING deliveries in the order they fall due.
    this.addSql(
      `create index "webhook_deliveries_due_index" on "deputies"."webhook_deliveries" ("next_attempt_at") where "status" = 'PENDING';`,
    );
    this.addSql(
      `create index "webhook_deliveries_webhook_index" on "deputies"."webhook_deliveries" ("webhook_id", "seq");`,
    );
    this.addSql(`create table "deputies"."webhook_attempts" (
      "delivery_id" uuid not null references "deputies"."webhook_deliveries" ("id") on delete cascade,
      "number" int not null check ("number" >= 1),
      "attempted_at" timestamptz not null,
      "status_code" int null,
      "duration_ms" int not null check ("duration_ms" >= 0),
      "error" varchar(500) null,
      "response_excerpt" varchar(256) null,
      "next_attempt_at" timestamptz null,
      "succeeded" boolean not null,
      primary key ("delivery_id", "number")
    );`);
    this.addSql(`create table "deputies"."notifications" (
      "id" uuid not null primary key,
      "seq" bigserial not null unique,
      "recipient" varchar(120) not null,
      "event_id" uuid not null,
      "event_type" varchar(100) not null,
      "title" varchar(100) not null,
      "body" varchar(500) null,
      "region_code" varchar(12) null,
      "aggregate_type" varchar(100) not null,
      "aggregate_id" varchar(100) not null,
      "occurred_at" timestamptz not null,
      "created_at" timestamptz not null,
      "read_at" timestamptz null,
      constraint "notifications_event_id_recipient_unique" unique ("event_id", "recipient")
    );`);
    this.addSql(`create index "notifications_inbox_index" on "deputies"."notifications" ("recipient", "seq");`);
    this.addSql(
      `create index "notifications_unread_index" on "deputies"."notifications" ("recipient") where "read_at" is null;`,
    );
    this.addSql(`create table "deputies"."notification_preferences" (
      "recipient" varchar(120) not null,
      "event_type" varchar(100) not null,
      "in_app" boolean not null,
      "updated_at" timestamptz not null,
      primary key ("recipient", "event_type")
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "deputies"."notification_preferences";`);
    this.addSql(`drop table if exists "deputies"."notifications";`);
    this.addSql(`drop table if exists "deputies"."webhook_attempts";`);
    this.addSql(`drop table if exists "deputies"."webhook_deliveries";`);
    this.addSql(`drop table if exists "deputies"."webhooks";`);
    this.addSql(`drop table if exists "deputies"."processed_events";`);
  }
}
