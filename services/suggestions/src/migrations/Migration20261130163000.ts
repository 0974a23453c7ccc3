import { Migration } from '@mikro-orm/migrations';

const s = '"suggestions"';

/** The item's facts the rollups read (as Migration20261130144000 lists them), in the trigger's argument order. */
const facts = [
  'year',
  'registered_at',
  'region_code',
  'lead_unit_id',
  'category',
  'is_key',
  'reply_category',
  'reply_on_time',
  'replied_on',
  'reply_due_on',
  'latest_result',
  'coercion_risk',
];
const args = (row: string) => facts.map((f) => `${row}."${f}"`).join(', ');

/**
 * 更正 corrections with a trail (issue 9): the audit log (`AuditEntry` of @renda/server-kit) and 撤回 an item's
 * withdrawal. A withdrawn item counts in no rollup: the row trigger takes it out (and puts it back, were the
 * column cleared) in the transaction that withdraws it, and a rebuild skips it.
 */
export class Migration20261130163000 extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create table ${s}."audit_log" ("id" uuid not null, "entity" varchar(60) not null, "entity_id" varchar(64) not null,
      "region_code" varchar(9) not null, "action" text check ("action" in ('CORRECT', 'WITHDRAW')) not null, "version" int not null,
      "actor_id" varchar(100) not null, "actor_role" varchar(20) not null, "actor_name" varchar(100) null, "reason" text not null,
      "changes" jsonb not null, "at" timestamptz not null, constraint "audit_log_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_log_entity_entity_id_index" on ${s}."audit_log" ("entity", "entity_id");`);
    this.addSql(`create index "audit_log_region_code_at_index" on ${s}."audit_log" ("region_code", "at");`);
    this.addSql(`alter table ${s}."suggestions" add column "withdrawn_at" timestamptz null;`);

    this.addSql(`create or replace function ${s}."suggestions_rollups"() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and old."withdrawn_at" is null then
          perform ${s}."apply_rollups"(-1, ${args('old')});
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new."withdrawn_at" is null then
          perform ${s}."apply_rollups"(1, ${args('new')});
        end if;
        return null;
      end $$;`);
    const watched = [...facts, 'withdrawn_at'];
    this.addSql(`create or replace function ${s}."install_rollup_triggers"() returns void language plpgsql as $$
      begin
        drop trigger if exists "suggestions_rollups_rows" on ${s}."suggestions";
        drop trigger if exists "suggestions_rollups_changes" on ${s}."suggestions";
        create trigger "suggestions_rollups_rows" after insert or delete on ${s}."suggestions"
          for each row execute function ${s}."suggestions_rollups"();
        create trigger "suggestions_rollups_changes" after update of ${watched.map((f) => `"${f}"`).join(', ')} on ${s}."suggestions"
          for each row when ((${watched.map((f) => `old."${f}"`).join(', ')}) is distinct from (${watched.map((f) => `new."${f}"`).join(', ')}))
          execute function ${s}."suggestions_rollups"();
      end $$;`);
    this.addSql(`select ${s}."install_rollup_triggers"();`);
    // The rebuild reads the items in the register only: its definition, with the withdrawn left out.
    this.addSql(`do $$
      declare definition text := pg_get_functiondef('${s}."rebuild_rollups"()'::regprocedure);
      begin
        if position('${s}."suggestions" i cross join' in definition) = 0 then
          raise exception 'rebuild_rollups() does not read the items as Migration20261130144000 wrote it';
        end if;
        execute replace(definition, '${s}."suggestions" i cross join',
          '(select * from ${s}."suggestions" where "withdrawn_at" is null) i cross join');
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `do $$ begin
        raise exception 'Migration20261130163000 (audit log, withdrawals) is not reversed: restore a backup';
      end $$;`,
    );
  }
}
