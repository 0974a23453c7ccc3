import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Never log tokens, ballot choices or personal data: log ids and codes. */
export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.choices'], remove: true },
  });
}
