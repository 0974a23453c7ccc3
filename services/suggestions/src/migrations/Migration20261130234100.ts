import { Migration } from '@mikro-orm/migrations';

/**
 * 撤回 a supervision sheet issued by mistake (issue 9): when it was withdrawn, and whether issuing it took the
 * item's 督办 step (S-3), which a withdrawal cannot take back. Existing sheets took the step when `issueSheet`
 * wrote a SUPERVISED step for them: same item, same issuer, the sheet's content as its note, on its issue day.
 */
export class Migration20261130234100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "suggestions"."supervision_sheets" add column "withdrawn_at" timestamptz null;`);
    this.addSql(
      `alter table "suggestions"."supervision_sheets" add column "took_step" boolean not null default false;`,
    );
    this.addSql(
      `update "suggestions"."supervision_sheets" sh set "took_step" = true
       where sh."kind" <> 'ASSIGNMENT' and exists (
         select 1 from "suggestions"."process_steps" ps
         where ps."suggestion_id" = sh."suggestion_id" and ps."stage" = 'SUPERVISED' and ps."by" = sh."issued_by"
           and ps."note" = sh."content" and (ps."at" at time zone 'Asia/Shanghai')::date = sh."issued_on");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "suggestions"."supervision_sheets" drop column "took_step";`);
    this.addSql(`alter table "suggestions"."supervision_sheets" drop column "withdrawn_at";`);
  }
}
