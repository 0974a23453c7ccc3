import { parseArgs } from 'node:util';
import { signDevToken } from '@renda/auth/tokens';
import { roles, type Role } from '@renda/auth/viewer';
import { demoId } from '@renda/db/ids';
import { devJwtSecret } from '@renda/server-kit/env';

/**
 * Prints a development token: `pnpm -s dev-token --role STAFF --region 43`. Ids written `demo:<name>` are the
 * demo data's (e.g. `--deputy demo:430181:1`, `--unit demo:430181:transport`).
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'STAFF' },
    region: { type: 'string' },
    unit: { type: 'string' },
    deputy: { type: 'string' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

const role = (values.role ?? 'STAFF').toUpperCase() as Role;
if (!roles.includes(role)) {
  console.error(`--role must be one of ${roles.join(', ')}`);
  process.exit(2);
}
const demo = (kind: string, value: string | undefined) => (value?.startsWith('demo:') ? demoId(`${kind}:${value.slice(5)}`) : value);
const deputy = demo('deputy', values.deputy);
const unit = demo('unit', values.unit);
const region = values.region ?? (values.deputy?.startsWith('demo:') ? values.deputy.slice(5).split(':')[0] : values.unit?.startsWith('demo:') ? values.unit.slice(5).split(':')[0] : undefined);
if (role !== 'ADMIN' && !region) {
  console.error(`A ${role} token needs --region (e.g. --region 43).`);
  process.exit(2);
}
if (role === 'DEPUTY' && !deputy) {
  console.error('A DEPUTY token needs --deputy <id> (e.g. --deputy demo:430181:1).');
  process.exit(2);
}
if (role === 'HANDLER' && !unit) {
  console.error('A HANDLER token needs --unit <id> (e.g. --unit demo:430181:transport).');
  process.exit(2);
}
const token = await signDevToken(
  process.env.JWT_SECRET ?? devJwtSecret,
  {
    sub: values.sub ?? `${role.toLowerCase()}${region ? `-${region}` : ''}`,
    role,
    ...(region ? { region } : {}),
    ...(unit ? { unit } : {}),
    ...(deputy ? { deputy } : {}),
  },
  values.expires,
);
console.log(token);
