import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the service's heavy modules load.
const env = readEnv();
const [{ runStandalone }, { deputiesService }] = await Promise.all([
  import('@renda/server-kit/service'),
  import('./server.ts'),
]);
await runStandalone(deputiesService, env);
