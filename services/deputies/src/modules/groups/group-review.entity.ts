import { EntitySchema } from '@mikro-orm/postgresql';

/** 年度检查: staff's yearly check of a deputy group's activities, with a comment (D-14, 001 §13). */
export interface GroupReview {
  groupId: string;
  year: number;
  comment: string;
  reviewedOn: string;
  reviewedBy: string;
}

export const GroupReviewSchema = new EntitySchema<GroupReview>({
  name: 'GroupReview',
  tableName: 'group_reviews',
  properties: {
    groupId: { type: 'uuid', primary: true },
    year: { type: 'integer', primary: true },
    comment: { type: 'text' },
    reviewedOn: { type: 'date' },
    reviewedBy: { type: 'string', length: 200 },
  },
});
