// Entry point of the ingest gateway: `node services/ingest-gateway/main.ts`. Configuration from
// the environment (config.ts); exits 2 with the offending variables named when it is invalid.
import { startOrExit } from '../shared/start-error.ts';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

await startOrExit('ingest-gateway', () => startGateway(loadGatewayConfig()));
