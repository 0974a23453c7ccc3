import { z } from 'zod';

/**
 * The event envelope every service's outbox relay sends (the same shape `packages/outbox` exports as a
 * TypeScript type). Checked here at the door: a malformed event is refused, never half taken in.
 */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  service: z.enum(['deputies', 'suggestions', 'supervision', 'voting']),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'must look like suggestion.reply')
    .max(100),
  aggregateType: z.string().min(1).max(100),
  aggregateId: z.string().min(1).max(100),
  regionCode: z
    .string()
    .regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, 'must be a region code')
    .nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
  audience: z
    .object({
      deputyIds: z.array(z.uuid()).max(5000).optional(),
      unitIds: z.array(z.string().min(1).max(100)).max(5000).optional(),
      regionCode: z
        .string()
        .regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, 'must be a region code')
        .optional(),
    })
    .nullable(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The batch `POST /internal/events` takes. */
export const eventBatchSchema = z.object({ events: z.array(z.unknown()).max(1000) });

/** An event type's shape, checked where a person names one (preferences, webhook registration). */
export const eventTypePattern = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

interface KnownType {
  /** The type in Chinese (preferences list it). */
  label: string;
  /** The notification's title. */
  title: string;
}

/** The event types the services send today, with the Chinese a notification shows. */
export const knownEventTypes: Readonly<Record<string, KnownType>> = {
  'suggestion.step': { label: '建议办理进度', title: '您的建议办理有新进展' },
  'suggestion.reply': { label: '建议答复', title: '您的建议已答复' },
  'sheet.issued': { label: '交办单', title: '收到新的交办单' },
  'filing.recorded': { label: '规范性文件备案', title: '规范性文件已报送备案' },
  'ballot.opened': { label: '民生实事票决', title: '民生实事项目票决已开始' },
  'reminder.reply-due': { label: '答复期限提醒', title: '建议答复期限将至，请及时办理' },
};

export function labelOf(type: string): string {
  return knownEventTypes[type]?.label ?? type;
}

const text = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null;

/**
 * A notification's Chinese text from the event's type and data: the type's title, and as body the
 * record's own title (`data.title`) with the step or deadline where the event carries one.
 */
export function notificationText(event: EventEnvelope): { title: string; body: string | null } {
  const title = knownEventTypes[event.type]?.title ?? '您有一条新通知';
  const subject = text(event.data.title, 200);
  const parts: string[] = [];
  if (subject) parts.push(`《${subject}》`);
  const step = text(event.data.stepLabel ?? event.data.step, 60);
  if (event.type === 'suggestion.step' && step) parts.push(`当前环节：${step}`);
  const due = text(event.data.dueOn, 20);
  if (due) parts.push(`期限：${due}`);
  return { title, body: parts.length ? parts.join('，') : null };
}
