// Entry point of the alert-service container: validated config from the environment, then the
// service (alert-service.ts). Exits 2 with every config, users-file or rule-file problem named.
// I/O: process.
import { startOrExit } from '../shared/start-error.ts';
import { startAlertService } from './alert-service.ts';
import { loadAlertServiceConfig } from './config.ts';

const service = await startOrExit('alert-service', () => startAlertService(loadAlertServiceConfig()));
// Through the service's logger: one JSON-lines format (with its time) for every line.
service.base.logger.info(`pages at http://localhost:${service.web.port}/`);
