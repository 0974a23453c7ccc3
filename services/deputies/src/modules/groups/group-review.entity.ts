import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { DeputyGroupSchema } from '../deputies/deputy.entity.ts';

/** 年度检查: staff's yearly check of a deputy group's activities, with a comment (D-14, 001 §13). */
export const GroupReviewSchema = defineEntity({
  name: 'GroupReview',
  tableName: 'group_reviews',
  properties: {
    groupId: () =>
      p
        .manyToOne(DeputyGroupSchema)
        .mapToPk()
        .primary()
        .fieldName('group_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
    year: p.integer().primary(),
    comment: p.text(),
    reviewedOn: p.date(),
    reviewedBy: p.string().length(200),
    /** Optimistic version: a correction names the version it was made on (issue 9). */
    version: p.integer().default(1),
  },
});
export type GroupReview = InferEntity<typeof GroupReviewSchema>;
