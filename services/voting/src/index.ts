import { runStandalone } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { votingService } from './server.ts';

const env = readEnv();
await runStandalone(votingService, env, { deputies: env.DEPUTIES_URL, supervision: env.SUPERVISION_URL });
