import { Migration } from '@mikro-orm/migrations';

const t = '"supervision"."filed_documents"';
const name = '"filed_documents_issuer_id_document_number_unique"';

/**
 * G-2 corrections (issue 9): one live filing per issuer and document number. A filing withdrawn as entered by
 * mistake keeps its row (the audit log names it) but no longer holds its number, so the document can be filed
 * again correctly; two live filings of one number stay impossible, whatever the service checks.
 */
export class Migration20261130230200 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table ${t} drop constraint ${name};`);
    this.addSql(`create unique index ${name} on ${t} ("issuer_id", "document_number") where "withdrawn_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "supervision".${name};`);
    this.addSql(`alter table ${t} add constraint ${name} unique ("issuer_id", "document_number");`);
  }
}
