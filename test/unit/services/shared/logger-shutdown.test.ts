// The structured logger (one JSON object per line, secrets and audio redacted, level filter)
// and graceful shutdown (steps in order, finals last, a hung step skipped after its timeout).
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../../../services/shared/logger.ts';
import { createShutdown } from '../../../../services/shared/shutdown.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'svc',
    level: 'info',
    write: (line) => lines.push(JSON.parse(line)),
  });
  return { lines, logger };
}

describe('logger', () => {
  it('writes one JSON object per line with service, level and fields', () => {
    const { lines, logger } = capture();
    logger.child({ callId: 'c1' }).info('call started', { codec: 'pcmu' });
    logger.debug('hidden');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'svc',
      msg: 'call started',
      callId: 'c1',
      codec: 'pcmu',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('never writes payloads, tokens or customer references', () => {
    const { lines, logger } = capture();
    logger.warn('oops', {
      payload: 'AUDIO',
      authorization: 'Bearer abc',
      tenantToken: 'abc',
      customerRef: 'crm-9',
      bytes: new Uint8Array(320),
      error: Object.assign(new Error('boom'), { code: 'X' }),
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['AUDIO', 'abc', 'crm-9']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ bytes: '[320 bytes]', error: { message: 'boom', code: 'X' } });
  });
});

describe('shutdown', () => {
  it('runs steps in order, finals last, once, skipping a hung step', async () => {
    const { logger } = capture();
    const order: string[] = [];
    const shutdown = createShutdown({ logger, handleSignals: false, stepTimeoutMs: 50 });
    shutdown.addFinal('close', () => void order.push('close'));
    shutdown.add('stop intake', () => void order.push('stop'));
    shutdown.add('hung', () => new Promise<void>(() => order.push('hung')));
    shutdown.add('commit', async () => void order.push('commit'));
    const first = shutdown.run('test');
    expect(shutdown.run('again')).toBe(first);
    await first;
    expect(order).toEqual(['stop', 'hung', 'commit', 'close']);
    expect(shutdown.signal.aborted).toBe(true);
    // Work left undone is no clean stop: said in an error line, and the exit code is 1.
    expect(shutdown.clean).toBe(false);
  });

  it('gives a step its own time, and exits 1 after a step that timed out or failed', async () => {
    const { lines, logger } = capture();
    const codes: number[] = [];
    const slow = createShutdown({ logger, handleSignals: false, stepTimeoutMs: 20 });
    slow.add('flush audio', () => new Promise<void>((resolve) => setTimeout(resolve, 80)), 500);
    await slow.run('test');
    expect(slow.clean).toBe(true);
    const installed = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    onTestFinished(() => {
      for (const name of ['SIGTERM', 'SIGINT'] as const)
        for (const l of process.listeners(name)) if (!installed[name].includes(l)) process.off(name, l);
    });
    const failing = createShutdown({ logger, handleSignals: true, exit: (code) => void codes.push(code) });
    failing.add('flush audio', () => {
      throw new Error('12 bytes of accepted audio were not delivered');
    });
    process.emit('SIGTERM', 'SIGTERM');
    await failing.run('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(codes).toEqual([1]);
    expect(
      lines.some((l) => l.level === 'error' && l.msg === 'shut down with work left undone (exit 1)'),
    ).toBe(true);
  });
});
