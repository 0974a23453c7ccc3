import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '@renda/server-kit/context';
import { recordEvent } from '@renda/outbox/record';

/**
 * A ballot's or a satisfaction round's event (`ballot.opened`, `ballot.closed`,
 * `satisfaction-round.opened`, `satisfaction-round.closed`), aimed at the deputies on its roll and the
 * region. V-3: nothing about who voted or how goes into an event; the roll is who may vote.
 */
export function recordVotingEvent(
  ctx: ServiceContext,
  tx: EntityManager,
  event: {
    type: string;
    aggregateType: 'ballot' | 'satisfaction-round';
    aggregateId: string;
    regionCode: string;
    roll: string[];
    data: Record<string, unknown>;
  },
): Promise<string> {
  return recordEvent(tx, {
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    regionCode: event.regionCode,
    occurredAt: ctx.clock.now(),
    data: event.data,
    audience: { deputyIds: event.roll, regionCode: event.regionCode },
  });
}
