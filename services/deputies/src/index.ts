import { runStandalone } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { deputiesService } from './server.ts';
import { loadPointsScheme } from './modules/points/scheme.ts';
import { usePointsScheme } from './modules/points/points.service.ts';

const env = readEnv();
// A wrong points scheme stops start-up with one line, not the first ranking asked for.
usePointsScheme(loadPointsScheme(env.POINTS_SCHEME_FILE));
await runStandalone(deputiesService, env, { suggestions: env.SUGGESTIONS_URL, supervision: env.SUPERVISION_URL, voting: env.VOTING_URL });
