import type { IncomingMessage, ServerResponse } from 'node:http';
import { backgroundKnex } from '@renda/db/orm';
import type { ServiceAttachment, ServiceHost } from '@renda/server-kit/service';
import { HttpProblem, readBody, secretMatches, sendJson, subgraphSecretHeader } from '@renda/server-kit/http';
import { defaultDeliverySettings, DeliveryWorker, type DeliverySettings } from './delivery.ts';
import { eventBatchSchema } from './envelope.ts';
import { handleEvents, InvalidEvent, type IntakeResult } from './events.service.ts';
import { EventStreamConsumer, type StreamConsumerOptions } from './stream.ts';

export const internalEventsPath = '/internal/events';
const maxBatchBytes = 5_000_000;

/** The notifications hub of a running deputies service: event intake, the webhook worker, the stream reader. */
export interface NotificationHub extends ServiceAttachment {
  /** Takes in events (envelopes, checked): the in-process entry the HTTP route and the stream reader use. */
  handleEvents(events: readonly unknown[]): Promise<IntakeResult>;
  worker: DeliveryWorker;
  /** Reading `<prefix>events` when Redis is configured, else null. */
  consumer: EventStreamConsumer | null;
}

/**
 * Starts the hub beside the graph: `POST /internal/events` (with the subgraph secret), the delivery worker
 * loop and, with Redis, the event-stream consumer. Settings: `ctx.settings.delivery` (src/env.ts).
 */
export async function attachNotificationHub(host: ServiceHost): Promise<NotificationHub> {
  const given = host.settings as { delivery?: DeliverySettings; stream?: StreamConsumerOptions };
  const settings = given.delivery ?? defaultDeliverySettings;
  const streamOptions = given.stream ?? {};
  // Its own small pool: the sender's polling and the intake never queue behind requests, nor they behind it.
  const knex = backgroundKnex(host.orm);
  const intake = (events: readonly unknown[]) => handleEvents(host.orm, knex, host.clock, events);
  const worker = new DeliveryWorker(host.orm, knex, host.clock, settings, host.log);
  const consumer = host.redis
    ? new EventStreamConsumer(host.redis, host.keyPrefix, intake, host.log, streamOptions)
    : null;
  consumer?.start();
  // Without Redis this service's own events come from its relay in process (the others POST them).
  const unsubscribe = consumer ? null : host.events?.bus.subscribe(async (events) => void (await intake(events)));
  worker.start();

  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== internalEventsPath) return false;
    if (!secretMatches(host.secret, req.headers[subgraphSecretHeader])) {
      throw new HttpProblem(
        403,
        "Internal routes answer the platform's own services: send x-subgraph-secret.",
        'FORBIDDEN',
      );
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new HttpProblem(405, 'POST the events as JSON: {"events": [...]}.', 'METHOD_NOT_ALLOWED');
    }
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      throw new HttpProblem(415, 'Send content-type: application/json.', 'BAD_REQUEST');
    }
    const text = await readBody(req, maxBatchBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpProblem(400, 'The body is not valid JSON.', 'BAD_REQUEST');
    }
    const batch = eventBatchSchema.safeParse(body);
    if (!batch.success)
      throw new HttpProblem(400, 'The body must be {"events": [...]}, at most 1000 events.', 'BAD_USER_INPUT');
    try {
      sendJson(res, 200, await intake(batch.data.events));
    } catch (e) {
      if (e instanceof InvalidEvent)
        throw new HttpProblem(400, `${e.message}. No event of the batch was taken in.`, 'BAD_USER_INPUT');
      throw e;
    }
    return true;
  };

  return {
    routes,
    handleEvents: intake,
    worker,
    consumer,
    async stop() {
      unsubscribe?.();
      await consumer?.stop();
      await worker.stop();
      await knex.destroy();
    },
  };
}
