import { badInput } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';

/** Dates in input lie in the years the platform records (as `requireYear`): 1949 to 2200. */
export function requirePlausibleDate(date: string, field: string): string {
  if (date < '1949-01-01' || date > '2200-12-31')
    throw badInput(`\`${field}\` (${date}) must lie between 1949 and 2200.`, field);
  return date;
}

/** A date in input that may not lie after today (Asia/Shanghai, injected clock). */
export function requireNotFuture(ctx: ServiceContext, date: string, field: string): string {
  requirePlausibleDate(date, field);
  if (date > today(ctx.clock))
    throw badInput(`\`${field}\` (${date}) may not be after today (${today(ctx.clock)}).`, field);
  return date;
}
