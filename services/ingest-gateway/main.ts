// Entry point of the ingest gateway: `node services/ingest-gateway/main.ts`. Configuration from
// the environment (config.ts); exits 2 with the offending variables named when it is invalid.
import { ConfigError } from '../shared/config.ts';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

try {
  await startGateway(loadGatewayConfig());
} catch (error) {
  const code = (error as { code?: string }).code ?? 'START_FAILED';
  const msg =
    error instanceof ConfigError
      ? error.message
      : `ingest gateway failed to start: ${(error as Error).message}`;
  const problems = error instanceof ConfigError ? error.problems : undefined;
  process.stderr.write(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      service: 'ingest-gateway',
      code,
      msg,
      problems,
    }) + '\n',
  );
  process.exit(error instanceof ConfigError ? 2 : 1);
}
