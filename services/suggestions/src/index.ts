import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the service's heavy modules load.
const env = readEnv();
const [{ runStandalone }, { suggestionsService }] = await Promise.all([
  import('@renda/server-kit/service'),
  import('./server.ts'),
]);
await runStandalone(suggestionsService, env, { deputies: env.DEPUTIES_URL, supervision: env.SUPERVISION_URL });
