import { runStandalone } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { supervisionService } from './server.ts';

const env = readEnv();
await runStandalone(supervisionService, env, { deputies: env.DEPUTIES_URL });
