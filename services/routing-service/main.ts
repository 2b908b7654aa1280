// Entry point of the routing-service container: validated config from the environment, then the
// service (routing-service.ts). Exits 2 with every config or rule-file problem named. I/O: process.
import { startOrExit } from '../shared/start-error.ts';
import { loadRoutingServiceConfig } from './config.ts';
import { startRoutingService } from './routing-service.ts';

await startOrExit('routing-service', () => startRoutingService(loadRoutingServiceConfig()));
