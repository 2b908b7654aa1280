// Entry point of the routing-service container: validated config from the environment, then the
// service (routing-service.ts). Exits 2 with every config or rule-file problem named. I/O: process.
import { ConfigError } from '../shared/config.ts';
import { loadRoutingServiceConfig } from './config.ts';
import { startRoutingService } from './routing-service.ts';

try {
  await startRoutingService(loadRoutingServiceConfig());
} catch (error) {
  const code = (error as { code?: string }).code ?? 'START_FAILED';
  const problems = error instanceof ConfigError ? error.problems : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      service: 'routing-service',
      code,
      msg: (error as Error).message,
      problems,
    }),
  );
  process.exit(error instanceof ConfigError || code.startsWith('ROUTING_RULE') ? 2 : 1);
}
