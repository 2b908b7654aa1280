// reva29: two replicas given one ALERT_INSTANCE_ID that start together (a fresh deploy, scale from 0,
// a node restart): add99ed refuses an instance that joins "a running instance's" group; here
// neither runs yet. One of them must stay up (and evaluate), not both refuse.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAlertService } from '../../../services/alert-service/alert-service.ts';
import { ConfigError } from '../../../services/shared/config.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { prepareHarness } from './harness.ts';
import { uniqueName } from '../../support/kafka.ts';

describe('replicas sharing an instance id, started together', () => {
  it('keeps one of them running', async () => {
    const { env: _env, ...prepared } = await prepareHarness({
      ALERT_INSTANCE_ID: uniqueName('alert').replace(/\./g, '-'),
    });
    const running: Awaited<ReturnType<typeof startAlertService>>[] = [];
    const start = () => {
      const started = startAlertService(prepared.config, {
        handleSignals: false,
        fromBeginning: true,
        logger: createLogger({ service: 'alert-service', level: 'fatal' as never }),
      });
      onTestFinished(async () => (await started.catch(() => null))?.stop('test finished'));
      return started.then(
        (service) => {
          running.push(service);
          return 'started';
        },
        (error: unknown) => (error instanceof ConfigError ? 'refused' : `failed: ${String(error)}`),
      );
    };
    const outcomes = await Promise.all([start(), start()]);
    expect(outcomes).toContain('started');
    // Alone in its group once the other went: ready, reading every partition.
    await waitFor('the remaining instance ready', () => running[0].fanout.ready(), 60_000, 100);
  }, 180_000);
});
