import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * 人 a person who holds mandates (D-12): the same person in a county and a city congress, or over two
 * terms, is one Person with several Deputy mandates (Popolo's Person and Membership).
 */
export interface Person {
  id: string;
  name: string;
}

export const PersonSchema = new EntitySchema<Person>({
  name: 'Person',
  tableName: 'persons',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 100 },
  },
});
