// CallHold toggled with no audio between: the log takes the first 20 changes of a stream, not one
// line per message (a client flooded it: 20 000 lines in 2 s).
import { describe, expect, it } from 'vitest';
import { openCallStream } from '../../../services/simulator/ingest-client.ts';
import { uniqueName } from '../../support/kafka.ts';
import { gatewayForFile, stereoCallStart } from './helpers.ts';

const TOKEN = 'acme-token-0123456789';
const suite = gatewayForFile(
  { audio: uniqueName('test.audio'), calls: uniqueName('test.calls') },
  { TENANT_TOKENS: `acme=${TOKEN}`, TOPIC_PARTITIONS: '1', LOG_LEVEL: 'info' },
);

describe('ingest gateway: CallHold toggles in the log', () => {
  it('logs a bounded number of lines for 2 000 hold toggles (review: one line each before)', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.includes('"call o')) lines.push(text);
      return write(chunk as string, ...(rest as []));
    }) as typeof process.stdout.write;
    try {
      const callId = uniqueName('toggle').replace('.', '-');
      const stream = openCallStream(suite.client, TOKEN);
      await stream.write(stereoCallStart(callId));
      for (let k = 0; k < 2_000; k++) await stream.write({ hold: { onHold: k % 2 === 0 } });
      await stream.write({ end: { reason: 'hangup' } });
      await stream.finish();
    } finally {
      process.stdout.write = write;
    }

    expect(lines.length).toBe(20);
  }, 120_000);
});
