import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export const resolutionKinds = ['RESOLUTION', 'DECISION'] as const;
export type ResolutionKind = (typeof resolutionKinds)[number];

/**
 * 决议、决定 of the congress or its standing committee (G-1), tracked until carried out: its tasks are
 * opinion items (source RESOLUTION) with a unit and a due date, reported and closed one by one.
 */
export const ResolutionSchema = defineEntity({
  name: 'Resolution',
  tableName: 'resolutions',
  indexes: [regionPrefixIndex('resolutions', '"adopted_on"')],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9),
    kind: p.enum([...resolutionKinds]).columnType('varchar(10)'),
    title: p.text(),
    adoptedOn: p.date(),
  },
});
export type Resolution = InferEntity<typeof ResolutionSchema>;
