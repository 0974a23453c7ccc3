/**
 * The demo data's deputies and units as `pnpm dev-token` names them: `demo:<region>:<n>` is the
 * n-th deputy of that region's congress, `demo:<region>:<slug>` a government unit. Kept here, in a
 * module without imports, so dev-token answers at once; test/demo-roster.test.ts seeds the demo
 * data and checks every id below exists, and no other deputy does.
 */
export const demoDeputies: Readonly<Record<string, number>> = { '430181104': 79, '430181': 40, '4306': 30 };

export const demoUnits: Readonly<Record<string, readonly string[]>> = {
  '430181': [
    'government',
    'transport',
    'education',
    'water',
    'health',
    'housing',
    'court',
    'procuratorate',
    'commission',
  ],
  '430181104': ['government'],
};

/** Why a `demo:` deputy name is not in the demo data, or null when it is. */
export function unknownDemoDeputy(name: string): string | null {
  const [region, n] = name.split(':');
  const count = demoDeputies[region ?? ''];
  if (count === undefined) return `the demo data has deputies in ${Object.keys(demoDeputies).join(', ')} only`;
  if (!/^\d+$/.test(n ?? '') || Number(n) < 1 || Number(n) > count) {
    return `region ${region} has demo deputies 1 to ${count}`;
  }
  return null;
}

/** Why a `demo:` unit name is not in the demo data, or null when it is. */
export function unknownDemoUnit(name: string): string | null {
  const [region, slug] = name.split(':');
  const slugs = demoUnits[region ?? ''];
  if (!slugs) return `the demo data has units in ${Object.keys(demoUnits).join(', ')} only`;
  if (!slugs.includes(slug ?? '')) return `region ${region} has demo units ${slugs.join(', ')}`;
  return null;
}
