import { Migration } from '@mikro-orm/migrations';

/**
 * Corrections with a trail (issue 9): the service's audit log (server-kit's `AuditEntry`), and the optimistic
 * version and withdrawal stamp of filed documents.
 */
export class Migration20261130164100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "supervision"."audit_log" ("id" uuid not null, "entity" varchar(60) not null, "entity_id" varchar(64) not null, "region_code" varchar(9) not null, "action" text check ("action" in ('CORRECT', 'WITHDRAW')) not null, "version" int not null, "actor_id" varchar(100) not null, "actor_role" varchar(20) not null, "actor_name" varchar(100) null, "reason" text not null, "changes" jsonb not null, "at" timestamptz not null, constraint "audit_log_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "audit_log_entity_entity_id_index" on "supervision"."audit_log" ("entity", "entity_id");`,
    );
    this.addSql(`create index "audit_log_region_code_at_index" on "supervision"."audit_log" ("region_code", "at");`);
    this.addSql(
      `alter table "supervision"."filed_documents" add column "version" int not null default 1, add column "withdrawn_at" timestamptz null;`,
    );
  }
  override async down(): Promise<void> {
    this.addSql(`drop table if exists "supervision"."audit_log" cascade;`);
    this.addSql(`alter table "supervision"."filed_documents" drop column "version", drop column "withdrawn_at";`);
  }
}
