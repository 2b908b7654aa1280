// Two alert-service instances given the same ALERT_INSTANCE_ID (one value in a ConfigMap or compose
// file shared by every replica) joined one fan-out group: Kafka split the calls between them and
// each instance's pages missed the other's half, silently (a supervisor saw 3 of 9 alerts on one
// and 6 of 9 on the other). The second now refuses to start, naming the setting, and the first,
// once alone in its group again, shows every call.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAlertService } from '../../../services/alert-service/alert-service.ts';
import { ConfigError } from '../../../services/shared/config.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import {
  connect,
  emotionRecord,
  login,
  prepareHarness,
  sendEmotion,
  startCall,
  startInstance,
} from './harness.ts';
import { uniqueName } from '../../support/kafka.ts';

describe('instances sharing an instance id', () => {
  it('refuses the second and leaves the first with every call', async () => {
    const { env: _env, ...prepared } = await prepareHarness({
      ALERT_INSTANCE_ID: uniqueName('alert').replace(/\./g, '-'),
    });
    const a = await startInstance(prepared);
    const second = startAlertService(prepared.config, {
      handleSignals: false,
      fromBeginning: true,
      logger: createLogger({ service: 'alert-service', level: 'fatal' as never }),
    });
    onTestFinished(async () => (await second.catch(() => null))?.stop('test finished'));
    const refused = await second.then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems.join('\n')).toMatch(
      /^ALERT_INSTANCE_ID: another running instance/,
    );
    // Alone in its group again: ready, and its pages see every call.
    await waitFor('the first instance ready again', () => a.service.fanout.ready(), 60_000, 100);
    const token = await login(a, 'supervisor');
    const onA = await connect(a, token);
    const calls = Array.from({ length: 9 }, () => uniqueName('call'));
    for (const callId of calls) {
      await startCall(a, callId, 'agent-1');
      for (let i = 0; i < 6; i += 1) await sendEmotion(a, emotionRecord(callId, 'customer', i, 'angry'));
    }
    const alertCalls = () =>
      new Set(
        onA.frames.filter((f) => f.type === 'alert').map((f) => (f.alert as { callId: string }).callId),
      );
    await waitFor('every call alert on the first instance', () => alertCalls().size === 9, 60_000, 100);
  }, 180_000);
});
