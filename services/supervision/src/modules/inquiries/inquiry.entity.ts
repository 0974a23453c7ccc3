import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const inquiryStatuses = ['FILED', 'ANSWERED', 'REANSWER_REQUIRED', 'CLOSED'] as const;
export type InquiryStatus = (typeof inquiryStatuses)[number];

/** 质询案 (G-4). */
export const InquirySchema = defineEntity({
  name: 'Inquiry',
  tableName: 'inquiries',
  indexes: [regionPrefixIndex('inquiries', '"filed_on"')],
  properties: {
    id: p.uuid().primary(),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    subject: p.string().length(300),
    signers: p.integer(),
    filedOn: p.date(),
    answerDueOn: p.date(),
    answeredOn: p.date().nullable(),
    answer: p.text().nullable(),
    status: p.enum([...inquiryStatuses]).columnType('varchar(20)'),
  },
});
export type Inquiry = InferEntity<typeof InquirySchema>;
