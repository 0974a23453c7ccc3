import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';

/**
 * 人 a person who holds mandates (D-12): the same person in a county and a city congress, or over two
 * terms, is one Person with several Deputy mandates (Popolo's Person and Membership).
 */
export const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'persons',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(100),
  },
});
export type Person = InferEntity<typeof PersonSchema>;
