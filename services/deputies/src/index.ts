import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the service's heavy modules load.
const env = readEnv();
const [{ runStandalone }, { deputiesService }, { loadPointsScheme }, { usePointsScheme }] = await Promise.all([
  import('@renda/server-kit/service'),
  import('./server.ts'),
  import('./modules/points/scheme.ts'),
  import('./modules/points/points.service.ts'),
]);
// A wrong points scheme stops start-up with one line, not the first ranking asked for.
usePointsScheme(loadPointsScheme(env.POINTS_SCHEME_FILE));
await runStandalone(deputiesService, env, {
  suggestions: env.SUGGESTIONS_URL,
  supervision: env.SUPERVISION_URL,
  voting: env.VOTING_URL,
});
