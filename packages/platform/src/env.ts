import { createServer } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { commonEnvSchema, envProblems, exitWithProblems, portSetting } from '@renda/server-kit/env';
import { envSchema as deputiesEnv } from '@renda/deputies/env';
import { envSchema as suggestionsEnv } from '@renda/suggestions/env';
import { envSchema as supervisionEnv } from '@renda/supervision/env';
import { envSchema as votingEnv } from '@renda/voting/env';
import { gatewayEnvSchema } from '@renda/gateway/env';

/**
 * The one place the platform launcher reads process.env. Only light modules are imported here
 * (zod and the services' settings), so a wrong value is reported before anything heavy loads.
 */
const schema = commonEnvSchema.extend({
  /** Where the embedded database keeps its data when DATABASE_URL is unset. */
  DATA_DIR: z.string().default('.data'),
  /** Port of the embedded PostgreSQL (0: any free port). */
  EMBEDDED_DB_PORT: portSetting.default(0),
  GATEWAY_PORT: portSetting.default(4000),
  DEPUTIES_PORT: portSetting.default(4001),
  SUGGESTIONS_PORT: portSetting.default(4002),
  SUPERVISION_PORT: portSetting.default(4003),
  VOTING_PORT: portSetting.default(4004),
  /** Write demo data into an empty database on start: on by default in development only. */
  SEED_DEMO: z.enum(['true', 'false'], 'must be true or false').optional(),
});

export const serviceNames = ['deputies', 'supervision', 'suggestions', 'voting'] as const;

/** Where a process's package lives, from the repository's root: `services/<name>`, or `gateway`. */
export const packageDirOf = (name: string) => (name === 'gateway' ? 'gateway' : `services/${name}`);

export const portVariables = {
  gateway: 'GATEWAY_PORT',
  deputies: 'DEPUTIES_PORT',
  suggestions: 'SUGGESTIONS_PORT',
  supervision: 'SUPERVISION_PORT',
  voting: 'VOTING_PORT',
} as const;

const serviceSchemas = [deputiesEnv, suggestionsEnv, supervisionEnv, votingEnv];

export type PlatformEnv = Omit<z.infer<typeof schema>, 'SEED_DEMO'> & {
  dataDir: string;
  seed: boolean;
  /** LOG_LEVEL as set, `warn` when unset (the launcher prints its own line per phase). */
  logLevel: string;
};

/**
 * Reads and checks every setting of the platform, the four services and the gateway; prints one
 * line per problem and exits 1 when any is wrong.
 */
export function readEnv(source: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const platform = envProblems(schema, source);
  // Each service is checked as the launcher will start it: its port and database are the launcher's.
  const problems = [...platform.problems];
  for (const serviceSchema of serviceSchemas) {
    problems.push(...envProblems(serviceSchema, { ...source, PORT: '0', DATABASE_URL: undefined }).problems);
  }
  problems.push(...envProblems(gatewayEnvSchema, { ...source, PORT: '0' }).problems);
  if (platform.env === null || problems.length) exitWithProblems(problems);
  const env = platform.env;
  // pnpm runs scripts in the package folder; a relative DATA_DIR means relative to where you ran `pnpm start`.
  const base = source.INIT_CWD ?? process.cwd();
  const { SEED_DEMO, ...rest } = env;
  return {
    ...rest,
    dataDir: isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(base, env.DATA_DIR),
    seed: SEED_DEMO === undefined ? env.NODE_ENV === 'development' : SEED_DEMO === 'true',
    logLevel: source.LOG_LEVEL ? env.LOG_LEVEL : 'warn',
  };
}

function tryPort(port: number, host: string): Promise<number | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    server.listen(port, host, () => {
      const taken = (server.address() as { port: number }).port;
      server.close(() => resolve(taken));
    });
  });
}

/**
 * Checks that every port is free before the database is built, one line per port in use, and
 * turns port 0 into a free port (the subgraphs' URLs must be known before they start).
 */
export async function claimPorts(
  ports: Record<string, { port: number; variable: string; host: string }>,
): Promise<Record<string, number>> {
  const problems: string[] = [];
  const claimed: Record<string, number> = {};
  for (const [name, { port, variable, host }] of Object.entries(ports)) {
    const result = await tryPort(port, host);
    if (typeof result === 'number') {
      claimed[name] = result;
      continue;
    }
    problems.push(
      result.code === 'EADDRINUSE'
        ? `Port ${port} (${variable}) is in use on ${host}: ` +
            `stop what uses it (is the platform running already?) or set ${variable}.`
        : `Port ${port} (${variable}) cannot be opened on ${host}: ${result.message}`,
    );
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  return claimed;
}
