import { runStandalone } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { suggestionsService } from './server.ts';

const env = readEnv();
await runStandalone(suggestionsService, env, { deputies: env.DEPUTIES_URL, supervision: env.SUPERVISION_URL });
