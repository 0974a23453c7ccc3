import { badInput, forbidden } from '@renda/errors/errors';
import { canReadRegion, requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId } from '@renda/db/ids';
import { knexTable } from '@renda/db/tables';
import type { ServiceContext } from '@renda/server-kit/context';
import { requireYear } from '@renda/server-kit/validate';
import { DeputySchema, type Deputy } from '../deputies/deputy.entity.ts';
import { ContactRecordSchema, type ContactRecord } from '../liaison/liaison.entity.ts';
import { contactLoader } from '../liaison/liaison.service.ts';
import type { Congress } from '../regions/region.entity.ts';

/** D-15 (local): how often a deputy reports on their duties to the voters. */
export type DutyReportFrequency = 'TERM' | 'YEAR';

/**
 * The local setting (DUTY_REPORT_FREQUENCY, `ctx.settings`): once a term (002 §7) unless a region says every
 * year (004, Zhuzhou).
 */
export function dutyReportFrequency(ctx: Pick<ServiceContext, 'settings'>): DutyReportFrequency {
  return (ctx.settings as { dutyReportFrequency?: DutyReportFrequency }).dutyReportFrequency ?? 'TERM';
}

export interface VoterEvaluation {
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

/** D-15: the voters' evaluation of a duty report (述职测评), entered by staff from the forms; again corrects it. */
export async function recordDutyReportEvaluation(
  ctx: ServiceContext,
  contactId: string,
  tally: VoterEvaluation,
): Promise<ContactRecord> {
  const report = isId(contactId) ? await contactLoader(ctx).load(contactId) : null;
  if (!report) throw badInput(`No contact record with id ${JSON.stringify(contactId)}.`, 'contactId');
  requireWriteIn(ctx.viewer, report.regionCode, 'record voters\u2019 evaluations');
  if (report.kind !== 'DUTY_REPORT')
    throw badInput(`Voters evaluate a duty report (DUTY_REPORT), not a ${report.kind} contact.`, 'contactId');
  for (const key of ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const) {
    const n = tally[key];
    if (!Number.isInteger(n) || n < 0)
      throw badInput(`\`tally.${key}\` must be a whole number of at least 0.`, `tally.${key}`);
  }
  const rated = tally.satisfied + tally.basicallySatisfied + tally.dissatisfied;
  if (rated > (report.participants ?? 0)) {
    throw badInput(
      `${rated} voters rated the report, more than the ${report.participants ?? 0} who took part.`,
      'tally',
    );
  }
  report.voterSatisfied = tally.satisfied;
  report.voterBasicallySatisfied = tally.basicallySatisfied;
  report.voterDissatisfied = tally.dissatisfied;
  report.version += 1;
  await ctx.em.flush();
  return report;
}

/** The tally with its rate (F-2: satisfied + basically satisfied over rated, 4 places, null with none rated). */
export function voterEvaluationOf(report: ContactRecord) {
  if (report.voterSatisfied == null || report.voterBasicallySatisfied == null || report.voterDissatisfied == null)
    return null;
  const rated = report.voterSatisfied + report.voterBasicallySatisfied + report.voterDissatisfied;
  return {
    satisfied: report.voterSatisfied,
    basicallySatisfied: report.voterBasicallySatisfied,
    dissatisfied: report.voterDissatisfied,
    rated,
    satisfactionRate:
      rated === 0
        ? null
        : Math.round(((report.voterSatisfied + report.voterBasicallySatisfied) / rated) * 10_000) / 10_000,
  };
}

/**
 * D-6, D-15: deputies in office who have not reported to their voters as often as the local setting asks:
 * with TERM, none since the term began up to the end of `year`; with YEAR, none in `year`.
 */
export async function deputiesDueDutyReport(ctx: ServiceContext, congress: Congress, year: number): Promise<Deputy[]> {
  requireYear(year);
  const viewer = requireViewer(ctx.viewer);
  if (!canReadRegion(viewer, congress.regionCode))
    throw forbidden(`Whose duty report is due in region ${congress.regionCode} is for its staff and analysts.`);
  const from = dutyReportFrequency(ctx) === 'YEAR' ? `${year}-01-01` : congress.startsOn;
  const to = `${year}-12-31`;
  const knex = ctx.em.getKnex();
  const reported = knex(knexTable(ctx.em, ContactRecordSchema))
    .select('deputy_id')
    .where('kind', 'DUTY_REPORT')
    .whereNull('withdrawn_at')
    .andWhereBetween('occurred_on', [from, to]);
  const rows: { id: string }[] = await knex(knexTable(ctx.em, DeputySchema))
    .select('id')
    .where({ congress_id: congress.id, status: 'ACTIVE' })
    .whereNotIn('id', reported)
    .orderBy('id');
  return rows.length
    ? ctx.em.find(DeputySchema, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { id: 'asc' } })
    : [];
}
