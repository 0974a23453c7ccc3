import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '@renda/server-kit/context';
import { recordEvent } from '@renda/outbox/record';
import type { Deputy } from './deputy.entity.ts';

/**
 * A mandate's event (README: Events and reminders): `mandate.started`, `deputy.updated`,
 * `mandate.ended`, `mandate.restored` (D-8: the absence that ended it corrected away). The aggregate is the deputy (one mandate); the audience, the deputy and the region.
 */
export function recordMandateEvent(
  ctx: ServiceContext,
  em: EntityManager,
  deputy: Deputy,
  type: string,
  data: Record<string, unknown> = {},
): Promise<string> {
  return recordEvent(em, {
    type,
    aggregateType: 'deputy',
    aggregateId: deputy.id,
    regionCode: deputy.regionCode,
    occurredAt: ctx.clock.now(),
    data: {
      personId: deputy.personId,
      congressId: deputy.congressId,
      name: deputy.name,
      status: deputy.status,
      mandateStartsOn: deputy.mandateStartsOn,
      mandateEndsOn: deputy.mandateEndsOn,
      ...data,
    },
    audience: { deputyIds: [deputy.id], regionCode: deputy.regionCode },
  });
}
