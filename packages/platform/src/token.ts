/**
 * Prints a development token: `pnpm -s dev-token --role STAFF --region 43`. Ids written `demo:<name>`
 * are the demo data's (`--deputy demo:430181:1`, `--unit demo:430181:transport`). Light imports only:
 * it answers in well under a second.
 */
import { parseArgs } from 'node:util';
import { defaultMaxLifetimeSeconds, parseLifetime, signDevToken } from '@renda/auth/tokens';
import { roles, type Role } from '@renda/auth/viewer';
import { demoId } from '@renda/db/ids';
import { unknownDemoDeputy, unknownDemoUnit } from './demo-roster.ts';

/** The same development secret as @renda/server-kit/env's (which loads zod; not needed here). */
const devJwtSecret = 'renda-graph-development-secret-change-me';

const help = `Prints a development token signed with JWT_SECRET (or the development secret).

  pnpm -s dev-token --role STAFF --region 43
  pnpm -s dev-token --role ANALYST --region 4301
  pnpm -s dev-token --role DEPUTY --deputy demo:430181:1
  pnpm -s dev-token --role HANDLER --unit demo:430181:transport
  pnpm -s dev-token --role ADMIN

Options:
  --role ROLE      ${roles.join(', ')} (default STAFF)
  --region CODE    the region subtree the bearer acts in (2, 4, 6 or 9 digits); taken from a demo id when omitted
  --deputy ID      a Deputy id, or demo:<region>:<n> (demo deputies: 430181104 1-79, 430181 1-40, 4306 1-30)
  --unit ID        a GovernmentUnit id, or demo:<region>:<slug> (e.g. demo:430181:transport)
  --member ID      a CommitteeMember id, for COMMITTEE_MEMBER, or demo:<region>:<n> (demo members: 430181 and 4306, 1-8)
  --sub TEXT       the subject (default: the role and region)
  --name TEXT      the person's name, shown where records say who acted (optional)
  --expires TIME   lifetime such as 12h, 30m (default 12h; at most JWT_MAX_LIFETIME, default 24h)
  -h, --help       this text`;

function fail(message: string): never {
  console.error(`${message}\nSee pnpm -s dev-token --help.`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string', default: 'STAFF' },
      region: { type: 'string' },
      unit: { type: 'string' },
      deputy: { type: 'string' },
      member: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string', default: '12h' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  console.log(help);
  process.exit(0);
}
const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);

const role = (str('role') ?? 'STAFF').toUpperCase() as Role;
if (!roles.includes(role)) fail(`--role must be one of ${roles.join(', ')}.`);
if (process.env.JWKS_URL && !process.env.JWT_SECRET) {
  fail('JWKS_URL is set: tokens come from your identity provider, not from dev-token.');
}

function resolveId(kind: 'deputy' | 'unit', value: string | undefined): string | undefined {
  if (!value?.startsWith('demo:')) return value;
  const name = value.slice(5);
  const unknown = kind === 'deputy' ? unknownDemoDeputy(name) : unknownDemoUnit(name);
  if (unknown) fail(`--${kind} ${value} is not in the demo data: ${unknown}.`);
  return demoId(`${kind}:${name}`);
}
const deputy = resolveId('deputy', str('deputy'));
const memberArg = str('member');
const memberMatch = memberArg?.startsWith('demo:') ? /^demo:(430181|4306):([1-8])$/.exec(memberArg) : null;
if (memberArg?.startsWith('demo:') && !memberMatch)
  fail(`--member ${memberArg} is not in the demo data: regions 430181 and 4306 have demo members 1 to 8.`);
const member = memberMatch ? demoId(`member:${memberMatch[1]}:${memberMatch[2]}`) : memberArg;
const unit = resolveId('unit', str('unit'));
const demoRegion = [str('deputy'), str('unit'), str('member')]
  .find((v) => v?.startsWith('demo:'))
  ?.slice(5)
  .split(':')[0];
const region = str('region') ?? demoRegion;
if (region !== undefined && !/^(\d{2}|\d{4}|\d{6}|\d{9})$/.test(region)) {
  fail(`--region ${region} is not a region code (2, 4, 6 or 9 digits).`);
}
if (role !== 'ADMIN' && !region) fail(`A ${role} token needs --region (e.g. --region 43).`);
if (role === 'DEPUTY' && !deputy) fail('A DEPUTY token needs --deputy <id> (e.g. --deputy demo:430181:1).');
if (role === 'HANDLER' && !unit) fail('A HANDLER token needs --unit <id> (e.g. --unit demo:430181:transport).');
if (role === 'COMMITTEE_MEMBER' && !member)
  fail('A COMMITTEE_MEMBER token needs --member <id> (e.g. --member demo:430181:1).');

const expires = str('expires') ?? '12h';
const lifetime = parseLifetime(expires);
const configured = process.env.JWT_MAX_LIFETIME;
const maxLifetime = configured ? parseLifetime(configured) : defaultMaxLifetimeSeconds;
if (lifetime === null || lifetime <= 0) fail(`--expires ${expires} is not a lifetime such as 12h, 30m or 3600.`);
if (maxLifetime !== null && lifetime > maxLifetime) {
  fail(`--expires ${expires} is longer than JWT_MAX_LIFETIME (${maxLifetime} s): the services would refuse it.`);
}

const token = await signDevToken(
  process.env.JWT_SECRET ?? devJwtSecret,
  {
    sub: str('sub') ?? `${role.toLowerCase()}${region ? `-${region}` : ''}`,
    role,
    ...(region ? { region } : {}),
    ...(unit ? { unit } : {}),
    ...(deputy ? { deputy } : {}),
    ...(member ? { member } : {}),
    ...(str('name') ? { name: str('name') } : {}),
  },
  `${lifetime}s`,
);
console.log(token);
