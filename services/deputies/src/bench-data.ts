import type { SqlEntityManager } from '@mikro-orm/postgresql';
import {
  benchLastDay as lastDay,
  benchTemplateRegions as templateRegions,
  loadFromTemplate,
  type TemplateRegions,
} from '@renda/server-kit/bench-copies';
import { seedContext, seedViewer, type SeedContext } from '@renda/server-kit/seeding';
import type { RunningService } from '@renda/server-kit/service';
import { readSettings } from './env.ts';
import { benchTables, deputyCopySteps } from './modules/bench/bench.store.ts';
import type { Deputy } from './modules/deputies/deputy.entity.ts';
import { createDeputy, createGroup, createStation, endMandate } from './modules/deputies/deputies.service.ts';
import { assignDeputies, createCommitteeMember, recordContact } from './modules/liaison/liaison.service.ts';
import type { ContactKind } from './modules/liaison/liaison.entity.ts';
import { createCongress, createRegion, createSession } from './modules/regions/regions.service.ts';
import { rebuildRollups } from './modules/stats/figures.store.ts';

/** Deputies of a template congress; the copies deal them round to the numbers a congress of each level seats. */
const templateDeputies = 5;
const terms = [1, 2, 3].map((t) => ({ term: t, startsOn: `${2011 + 5 * t}-01-01`, endsOn: `${2015 + 5 * t}-12-31` }));

const staff = seedViewer.staff;
const deputyViewer = (d: Deputy) => seedViewer.deputy(d.regionCode, d.id);
const memberViewer = seedViewer.member;

/** A fresh unit of work and loaders for each act, on its day (as the demo seed's `act`). */
function act(actor: SeedContext, date: string): SeedContext {
  actor.em.clear();
  actor.loaders.clearAll();
  return actor.on(date);
}

/**
 * The template, through the service's own write functions, each act on its day by the one who enters it: the
 * four regions; in each, a group and a liaison station, congresses of three terms (2016-2020, 2021-2025,
 * 2026-2030) with a session a year, five deputies each and, above the township, a committee member assigned two
 * of them. Deputy 5 resigns in the third year of each term; the others' mandates end with the terms that ended.
 * Each year of the mandate (2017 on, up to the clock): voter contacts (two for deputies 1 and 4, none for 5),
 * group activities (two for deputy 3, none for 4) and the member's visits to its first deputy.
 */
async function writeTemplate(ctx: SeedContext): Promise<void> {
  const office = ctx.as(staff(templateRegions.PROVINCE));
  const regions = Object.entries(templateRegions) as [keyof TemplateRegions, string][];
  for (const [level, code] of regions)
    await createRegion(act(office, '2016-01-01'), { code, name: `模板${code}`, level });
  for (const [level, code] of regions) {
    const group = await createGroup(act(office, '2016-01-01'), { regionCode: code, name: '第一代表小组' });
    const station = await createStation(act(office, '2016-01-01'), {
      regionCode: code,
      name: '人大代表联络站',
      address: '人民政府大院',
    });
    for (const { term, startsOn, endsOn } of terms) {
      const congress = await createCongress(act(office, startsOn), {
        regionCode: code,
        termNumber: term,
        name: `第${term}届人民代表大会`,
        startsOn,
        endsOn,
      });
      for (let y = Number(startsOn.slice(0, 4)); `${y}-01-15` <= lastDay && y <= Number(endsOn.slice(0, 4)); y++)
        await createSession(act(office, `${y - 1}-12-15`), {
          congressId: congress.id,
          number: y - Number(startsOn.slice(0, 4)) + 1,
          opensOn: `${y}-01-15`,
          closesOn: `${y}-01-17`,
        });
      const deputies: Deputy[] = [];
      for (let k = 1; k <= templateDeputies; k++)
        deputies.push(
          await createDeputy(act(office, startsOn), {
            congressId: congress.id,
            regionCode: code,
            name: `代表${term}-${k}`,
            gender: k % 3 === 0 ? 'FEMALE' : 'MALE',
            leadingCadre: k === 1,
            workUnit: '单位',
            position: '职务',
            constituency: `第${k}选区`,
            groupId: group.id,
            stationId: station.id,
          }),
        );
      let member: string | null = null;
      if (level !== 'TOWNSHIP') {
        member = (
          await createCommitteeMember(act(office, startsOn), {
            congressId: congress.id,
            name: `委员${term}`,
            role: 'MEMBER',
            fullTime: false,
          })
        ).id;
        await assignDeputies(act(office, startsOn), member, [deputies[0]!.id, deputies[1]!.id]);
      }
      // The acts of the term in the order of their days.
      const acts: { on: string; contactOf?: Deputy; run: (on: string) => Promise<unknown> }[] = [];
      const resignsOn = `${Number(startsOn.slice(0, 4)) + 2}-06-10`;
      const contact = (d: Deputy, actor: SeedContext, kind: ContactKind, on: string, extra: object) =>
        acts.push({
          on,
          contactOf: d,
          run: () =>
            recordContact(act(actor, on), {
              kind,
              method: kind === 'COMMITTEE_MEMBER' ? 'VISIT' : 'MEETING',
              occurredOn: on,
              deputyId: d.id,
              summary: '履职活动',
              ...extra,
            }),
        });
      for (const [i, d] of deputies.entries()) {
        const k = i + 1;
        for (let y = Math.max(2017, Number(startsOn.slice(0, 4))); y <= Number(endsOn.slice(0, 4)); y++) {
          const voter = k === 5 ? 0 : k % 3 === 1 ? 2 : 1;
          for (let v = 0; v < voter; v++)
            contact(d, ctx.as(deputyViewer(d)), 'VOTER', `${y}-${v === 0 ? '03' : '07'}-1${k}`, {
              stationId: station.id,
              participants: 20 + k,
            });
          const grp = k === 4 ? 0 : k === 3 ? 2 : 1;
          for (let g = 0; g < grp; g++)
            contact(d, office, 'GROUP_ACTIVITY', `${y}-${g === 0 ? '04' : '09'}-0${k}`, { groupId: group.id });
          if (member && k === 1)
            contact(d, ctx.as(memberViewer(code, member)), 'COMMITTEE_MEMBER', `${y}-05-20`, {
              committeeMemberId: member,
            });
        }
      }
      const fifth = deputies[templateDeputies - 1]!;
      acts.push({ on: resignsOn, run: (on) => endMandate(act(office, on), fifth.id, 'RESIGNED', '辞去代表职务') });
      for (const d of deputies.slice(0, -1))
        acts.push({ on: endsOn, run: (on) => endMandate(act(office, on), d.id, 'TERMINATED', '任期届满') });
      for (const a of acts.sort((x, y) => x.on.localeCompare(y.on))) {
        // Nothing after the clock, and no contact of deputy 5 after the resignation (recordContact refuses one).
        if (a.on > lastDay || (a.contactOf === fifth && a.on >= resignsOn)) continue;
        await a.run(a.on);
      }
    }
  }
}

/**
 * Deputies of the synthetic province (`loadProvinceDomains` in the gateway's benchmark), scaled by `scale` (1
 * for 1,000,000 suggestions): the template written through the write functions (`writeTemplate`), copied into
 * the 2,115 regions with per term 40 deputies a township, 200 a county, 400 a city and 770 the province (×
 * scale, at least 1), then deleted, in one transaction; the figures' rollups rebuilt from the copies.
 */
export async function loadProvinceDeputies(
  service: RunningService,
  scale: number,
): Promise<{ regions: number; deputies: number; contacts: number }> {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const em = service.orm.em.fork() as SqlEntityManager;
  const t = benchTables(em);
  return loadFromTemplate(em, {
    write: (inner) =>
      writeTemplate(seedContext(inner, { settings: readSettings(process.env), now: new Date('2016-01-01') })),
    steps: (tx, regions) =>
      deputyCopySteps(tx, regions, templateRegions.PROVINCE, {
        TOWNSHIP: n(40),
        COUNTY: n(200),
        CITY: n(400),
        PROVINCE: n(770),
      }),
    rebuild: () => rebuildRollups(service.orm.em.fork() as SqlEntityManager),
    analyze: [t.deputies, t.contacts, t.congresses, t.rollups, t.rollupParts],
    count: { regions: t.regions, deputies: t.deputies, contacts: t.contacts },
  });
}
