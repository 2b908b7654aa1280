// A service whose kafkajs lacks the install's patch (scripts/patch-kafkajs.js, skipped by
// `npm ci --ignore-scripts`) says so in one warning when it creates its Kafka client; the check is
// the patch script's own patchState(), not a copy of it.
import { describe, expect, it } from 'vitest';
import {
  createKafka,
  kafkajsPatchWarning,
  warnIfKafkajsUnpatched,
} from '../../../../services/shared/kafka-client.ts';
import { createLogger } from '../../../../services/shared/logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'svc', write: (line) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('kafkajs patch check', () => {
  it('says nothing of a patched kafkajs', () => {
    expect(kafkajsPatchWarning('patched')).toBeNull();
  });

  it('names the skipped install script and its fix for kafkajs as published', () => {
    expect(kafkajsPatchWarning('pristine')).toMatch(
      /^kafkajs is not patched \(installed with --ignore-scripts\?\).*#1704.*node scripts\/patch-kafkajs\.js/,
    );
  });

  it("passes on the script's reason when the file is neither, and says when it cannot check", () => {
    const reason = 'kafkajs is 2.3.0, this patch is for 2.2.4: check whether 2.3.0 fixes tulios/kafkajs#1704';
    expect(kafkajsPatchWarning(reason)).toBe(`kafkajs patch: ${reason}`);
    expect(kafkajsPatchWarning(null)).toMatch(/not checked: scripts\/patch-kafkajs\.js/);
  });

  it('logs one warning line for an unpatched kafkajs', () => {
    const { lines, logger } = capture();
    warnIfKafkajsUnpatched(logger, 'pristine');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', service: 'svc', msg: kafkajsPatchWarning('pristine') }),
    ]);
  });

  it("checks the installed kafkajs when a service's client is created (patched here: no line)", () => {
    const { lines, logger } = capture();
    createKafka({ clientId: 'svc', brokers: ['127.0.0.1:9'], logger });
    expect(lines).toEqual([]);
  });
});
