// A log line's own keys (time, level, service, msg) are never replaced by a field of the same name:
// `logger.error('alert rule file rejected; previous rules stay', { msg: error.message })` printed
// only the error's text, and the line's subject was lost.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../services/shared/logger.ts';

describe('logger fields', () => {
  it('keeps the message, level and service, and the clashing fields under _field', () => {
    const lines: string[] = [];
    const logger = createLogger({ service: 'alert-service', write: (line) => lines.push(line) });
    logger
      .child({ service: 'bound' })
      .error('alert rule file rejected', { msg: 'bad tab', level: 'x', time: 1 });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'error',
      service: 'alert-service',
      msg: 'alert rule file rejected',
      msg_field: 'bad tab',
      level_field: 'x',
      time_field: 1,
      service_field: 'bound',
    });
    expect(typeof line.time).toBe('string');
  });
});
