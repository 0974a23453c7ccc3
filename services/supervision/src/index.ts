import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the service's heavy modules load.
const env = readEnv();
const [{ runStandalone }, { supervisionService }] = await Promise.all([
  import('@renda/server-kit/service'),
  import('./server.ts'),
]);
await runStandalone(supervisionService, env, { deputies: env.DEPUTIES_URL });
