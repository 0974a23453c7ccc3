import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the service's heavy modules load.
const env = readEnv();
// A wrong points scheme (POINTS_SCHEME_FILE) stops start-up there too, with one line, not the first ranking asked for.
const [{ runStandalone }, { deputiesService }] = await Promise.all([
  import('@renda/server-kit/service'),
  import('./server.ts'),
]);
await runStandalone(deputiesService, env, {
  suggestions: env.SUGGESTIONS_URL,
  supervision: env.SUPERVISION_URL,
  voting: env.VOTING_URL,
});
