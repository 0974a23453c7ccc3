import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '@renda/server-kit/context';
import { recordEvent } from '@renda/outbox/record';
import type { OpinionItem } from './opinion.entity.ts';

/** G-3: an opinion item's event (`opinion-item.opened`, `.reported`, `.closed`), aimed at its unit and region. */
export function recordOpinionItemEvent(
  ctx: ServiceContext,
  em: EntityManager,
  item: OpinionItem,
  type: string,
): Promise<string> {
  return recordEvent(em, {
    type,
    aggregateType: 'opinion-item',
    aggregateId: item.id,
    regionCode: item.regionCode,
    occurredAt: ctx.clock.now(),
    data: {
      sourceKind: item.sourceKind,
      sourceId: item.sourceId,
      unitId: item.unitId,
      content: item.content,
      dueOn: item.dueOn,
      status: item.status,
      reportedOn: item.reportedOn,
      closedOn: item.closedOn,
    },
    audience: { unitIds: [item.unitId], regionCode: item.regionCode },
  });
}
