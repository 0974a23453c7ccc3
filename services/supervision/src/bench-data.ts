import type { SqlEntityManager } from '@mikro-orm/postgresql';
import {
  benchLastDay as lastDay,
  benchTemplateRegions as templateRegions,
  loadFromTemplate,
} from '@renda/server-kit/bench-copies';
import { addDays } from '@renda/server-kit/dates';
import { seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import type { RunningService } from '@renda/server-kit/service';
import { readSettings } from './env.ts';
import { filingCopySteps, filingsTable } from './modules/bench/bench.store.ts';
import { fileDocument, reviewDocument } from './modules/filings/filings.service.ts';
import { createUnit } from './modules/units/units.service.ts';
import { rebuildFigureRollupsLocked, rollupTable } from './modules/stats/stats.store.ts';

const staff = seedViewer.staff;
/** Filings of a template unit a year; the copies deal them round to the numbers of each level. */
const templateFilings = 5;

/**
 * The template, through the service's own write functions, each act on its day: the government (人民政府) of the
 * province, city and county template regions files five normative documents a year (2017-2026): the second
 * late (40 days after publication), the others within the deadline; the standing committee reviews them 20
 * days after filing (NO_ISSUE; the fourth CORRECTION_REQUESTED, CORRECTED two weeks later), but the third,
 * still PENDING, and any review that would fall after the clock.
 */
async function writeTemplate(ctx: SeedContext): Promise<void> {
  const office = ctx.as(staff(templateRegions.PROVINCE));
  const acts: { on: string; run: () => Promise<unknown> }[] = [];
  for (const region of [templateRegions.PROVINCE, templateRegions.CITY, templateRegions.COUNTY]) {
    const unit = await createUnit(office.on('2016-01-04'), {
      regionCode: region,
      name: '人民政府',
      kind: 'GOVERNMENT',
    });
    for (let y = 2017; y <= 2026; y++) {
      for (let i = 0; i < templateFilings; i++) {
        // Spread over the year, but in 2026 over its first months (the clock is in June).
        const month = String(y < 2026 ? 1 + 2 * i : 1 + i).padStart(2, '0');
        const publishedOn = `${y}-${month}-${String(5 + 4 * i).padStart(2, '0')}`;
        const filedOn = addDays(publishedOn, i === 1 ? 40 : 15);
        acts.push({
          on: filedOn,
          run: async () => {
            const doc = await fileDocument(office.on(filedOn), {
              title: '规范性文件',
              documentNumber: `${region}〔${y}〕${i + 1}号`,
              kind: 'NORMATIVE_DOCUMENT',
              issuerId: unit.id,
              publishedOn,
              filedOn,
            });
            if (i === 2) return;
            const reviewedOn = addDays(filedOn, 20);
            if (reviewedOn > lastDay) return;
            if (i !== 3) return reviewDocument(office.on(reviewedOn), doc.id, 'NO_ISSUE', null);
            await reviewDocument(office.on(reviewedOn), doc.id, 'CORRECTION_REQUESTED', '部分条款超出上位法规定');
            const correctedOn = addDays(reviewedOn, 14);
            if (correctedOn <= lastDay) await reviewDocument(office.on(correctedOn), doc.id, 'CORRECTED', null);
          },
        });
      }
    }
  }
  for (const a of acts.sort((x, y) => x.on.localeCompare(y.on))) {
    if (a.on > lastDay) continue;
    ctx.em.clear();
    ctx.loaders.clearAll();
    await a.run();
  }
}

/**
 * Filings of the synthetic province (`loadProvinceDomains` in the gateway's benchmark), scaled by `scale` (1 for
 * 1,000,000 suggestions): the template written through the write functions (`writeTemplate`), copied to 30
 * filings a county, 50 a city and 100 the province a year (× scale, at least 1), then deleted, in one
 * transaction; the figures' rollups rebuilt from the copies.
 */
export async function loadProvinceFilings(service: RunningService, scale: number): Promise<{ filings: number }> {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const em = service.orm.em.fork() as SqlEntityManager;
  return loadFromTemplate(em, {
    write: (inner) =>
      writeTemplate(seedContext(inner, { settings: readSettings(process.env), now: new Date('2016-01-04') })),
    steps: (tx, regions) =>
      filingCopySteps(tx, regions, templateRegions.PROVINCE, { county: n(30), city: n(50), province: n(100) }),
    rebuild: () => rebuildFigureRollupsLocked(service.orm.em.fork() as SqlEntityManager),
    analyze: [filingsTable(em), rollupTable(em)],
    count: { filings: filingsTable(em) },
  });
}
