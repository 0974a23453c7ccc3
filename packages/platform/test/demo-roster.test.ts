import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '@renda/db/ids';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { demoDeputies, demoUnits, unknownDemoDeputy, unknownDemoUnit } from '../src/demo-roster.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestServices([deputiesService, supervisionService]);
  for (const def of [deputiesService, supervisionService]) {
    await def.seed!(stack.services[def.name]!.orm.em.fork(), stack.clock);
  }
});
afterAll(() => stack?.stop());

async function ids(service: string, sql: string): Promise<string[]> {
  const rows = await stack.services[service]!.orm.em.getConnection().execute<{ id: string }[]>(sql);
  return rows.map((r) => r.id).sort();
}

describe('dev-token demo ids (demo:<region>:<n>, demo:<region>:<slug>)', () => {
  it('name exactly the deputies the demo data seeds', async () => {
    const named = Object.entries(demoDeputies).flatMap(([region, count]) =>
      Array.from({ length: count }, (_, i) => demoId(`deputy:${region}:${i + 1}`)),
    );
    expect(await ids('deputies', 'select id from deputies.deputies')).toEqual(named.sort());
  });

  it('name exactly the government units the demo data seeds', async () => {
    const named = Object.entries(demoUnits).flatMap(([region, slugs]) =>
      slugs.map((slug) => demoId(`unit:${region}:${slug}`)),
    );
    expect(await ids('supervision', 'select id from supervision.government_units')).toEqual(named.sort());
  });

  it('refuse names outside the demo data, saying what exists', () => {
    expect(unknownDemoDeputy('430181:1')).toBeNull();
    expect(unknownDemoDeputy('430181:41')).toMatch(/1 to 40/);
    expect(unknownDemoDeputy('4301:1')).toMatch(/only/);
    expect(unknownDemoUnit('430181:transport')).toBeNull();
    expect(unknownDemoUnit('430181:police')).toMatch(/transport/);
  });
});
