import { runStandalone } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { deputiesService } from './server.ts';

const env = readEnv();
await runStandalone(deputiesService, env);
