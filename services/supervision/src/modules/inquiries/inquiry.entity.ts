import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type InquiryStatus = 'FILED' | 'ANSWERED' | 'REANSWER_REQUIRED' | 'CLOSED';

/** 质询案 (G-4). */
export interface Inquiry {
  id: string;
  unitId: string;
  regionCode: string;
  subject: string;
  signers: number;
  filedOn: string;
  answerDueOn: string;
  answeredOn: string | null;
  answer: string | null;
  status: InquiryStatus;
}

export const InquirySchema = new EntitySchema<Inquiry>({
  name: 'Inquiry',
  tableName: 'inquiries',
  indexes: [regionPrefixIndex('inquiries', '"filed_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    subject: { type: 'string', length: 300 },
    signers: { type: 'integer' },
    filedOn: { type: 'date' },
    answerDueOn: { type: 'date' },
    answeredOn: { type: 'date', nullable: true },
    answer: { type: 'text', nullable: true },
    status: { type: 'string', length: 20 },
  },
});
