import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envProblems } from '@renda/server-kit/env';
import { envSchema, readSettings } from './env.ts';
import { defaultPointsScheme } from './modules/points/scheme.ts';

describe('settings of the deputies service', () => {
  it('a wrong DUTY_REPORT_FREQUENCY or POINTS_SCHEME_FILE is one line naming the variable, not a ZodError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renda-points-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "deputy": { "VOTER_CONTACT": "two" } }');
    const missing = join(dir, 'missing.json');
    const problems = envProblems(envSchema, { DUTY_REPORT_FREQUENCY: 'MONTH', POINTS_SCHEME_FILE: broken }).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^DUTY_REPORT_FREQUENCY: .* \(got "MONTH"\)$/);
    expect(problems[1]).toMatch(/^POINTS_SCHEME_FILE: .*broken\.json: deputy\.VOTER_CONTACT: /);
    expect(envProblems(envSchema, { POINTS_SCHEME_FILE: missing }).problems[0]).toMatch(
      /^POINTS_SCHEME_FILE: .*missing\.json: ENOENT/,
    );
  });

  it('a points scheme file and the report frequency reach the settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renda-points-'));
    const file = join(dir, 'scheme.json');
    const scheme = { ...defaultPointsScheme, regions: { '430181': { deputy: { VOTER_CONTACT: 3 } } } };
    writeFileSync(file, JSON.stringify(scheme));
    const settings = readSettings({ POINTS_SCHEME_FILE: file, DUTY_REPORT_FREQUENCY: 'YEAR' });
    expect(settings.pointsScheme).toEqual(scheme);
    expect(settings.dutyReportFrequency).toBe('YEAR');
    expect(readSettings({}).pointsScheme).toEqual(defaultPointsScheme);
  });
});
