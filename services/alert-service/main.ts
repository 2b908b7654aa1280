// Entry point of the alert-service container: validated config from the environment, then the
// service (alert-service.ts). Exits 2 with every config problem named. I/O: process.
import { ConfigError } from '../shared/config.ts';
import { startAlertService } from './alert-service.ts';
import { loadAlertServiceConfig } from './config.ts';

try {
  const service = await startAlertService(loadAlertServiceConfig());
  console.log(
    JSON.stringify({
      level: 'info',
      service: 'alert-service',
      msg: `pages at http://localhost:${service.web.port}/`,
    }),
  );
} catch (error) {
  const code = (error as { code?: string }).code ?? 'START_FAILED';
  const problems = error instanceof ConfigError ? error.problems : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      service: 'alert-service',
      code,
      msg: (error as Error).message,
      problems,
    }),
  );
  process.exit(
    error instanceof ConfigError ||
      code === 'RULE_INVALID' ||
      code === 'RULES_INVALID' ||
      code === 'RULES_SYNTAX' ||
      code === 'USERS_FILE_INVALID'
      ? 2
      : 1,
  );
}
