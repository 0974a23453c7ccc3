// Hive Gateway CLI configuration for Renda Graph: the committed supergraph, Hive Router's Rust query
// planner, our token check, the subgraph secret and the same limits (gateway/src/hive.ts), from the same
// environment variables as the Apollo Gateway process. From the gateway folder:
//
//   npx hive-gateway supergraph --config-path ../deploy/hive-gateway/gateway.config.ts --port 4000
import { hiveGatewayConfigFromEnv } from '../../gateway/src/hive.ts';

/** @public The export the Hive Gateway CLI reads. */
export const gatewayConfig = hiveGatewayConfigFromEnv();
