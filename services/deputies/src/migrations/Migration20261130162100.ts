import { Migration } from '@mikro-orm/migrations';

const s = '"deputies"';

/**
 * 更正 corrections with a trail (issue 9): the audit log, an optimistic `version` on deputies and contacts, and
 * `withdrawn_at` on contacts. A withdrawn contact leaves the figures: the rollups' `deputy_parts` skips it and
 * the rollup trigger on contacts also fires when `withdrawn_at` changes, so the withdrawal updates the rollups in
 * its own transaction. Both functions are rewritten from their committed definitions (Migration20261130144200),
 * each with one condition added; the migration fails if the text to change is not found.
 */
export class Migration20261130162100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table ${s}."audit_log" ("id" uuid not null, "entity" varchar(60) not null, "entity_id" varchar(64) not null, "region_code" varchar(9) not null, "action" text check ("action" in ('CORRECT', 'WITHDRAW')) not null, "version" int not null, "actor_id" varchar(100) not null, "actor_role" varchar(20) not null, "actor_name" varchar(100) null, "reason" text not null, "changes" jsonb not null, "at" timestamptz not null, constraint "audit_log_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_log_entity_entity_id_index" on ${s}."audit_log" ("entity", "entity_id");`);
    this.addSql(`create index "audit_log_region_code_at_index" on ${s}."audit_log" ("region_code", "at");`);
    this.addSql(`alter table ${s}."deputies" add column "version" int not null default 1;`);
    this.addSql(
      `alter table ${s}."contact_records" add column "version" int not null default 1, add column "withdrawn_at" timestamptz null;`,
    );
    this.addSql(
      rewrite('deputy_parts(uuid[])', `k.kind in ('VOTER', 'GROUP_ACTIVITY')`, `k.withdrawn_at is null and `),
    );
    this.addSql(
      rewrite(
        'install_deputy_rollup_triggers()',
        `update of "deputy_id", "kind", "occurred_on"`,
        '',
        `, "withdrawn_at"`,
      ),
    );
    this.addSql(`select ${s}."install_deputy_rollup_triggers"();`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `do $$ begin
        raise exception 'Migration20261130162100 (corrections) is not reversed: restore a backup';
      end $$;`,
    );
  }
}

/** SQL that re-creates function `fn` of the schema with `before` + `text` + `after` in place of `text`. */
function rewrite(fn: string, text: string, before: string, after = ''): string {
  const lit = (v: string) => `'${v.replaceAll("'", "''")}'`;
  return `do $$
    declare def text := pg_get_functiondef(${lit(`${s}.${fn}`)}::regprocedure);
    begin
      if position(${lit(text)} in def) = 0 then
        raise exception 'function % does not contain %', ${lit(fn)}, ${lit(text)};
      end if;
      execute replace(def, ${lit(text)}, ${lit(before + text + after)});
    end $$;`;
}
