// One retention purge at a time per process: a timer tick while one runs is skipped and said once
// at info (then at debug), and the next tick after it finished runs again. No database: the purge
// is a function here.
import { describe, expect, it } from 'vitest';
import { createPurgeSchedule } from '../../../../services/call-store/retention-schedule.ts';
import type { PurgeResult } from '../../../../services/call-store/store/retention.ts';

function recorder() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, logger: { debug: at('debug'), info: at('info'), error: at('error') } };
}

describe('retention purge schedule', () => {
  it('skips a purge started while one still runs, and runs the next one after it', async () => {
    let finish: (result: PurgeResult) => void = () => undefined;
    let started = 0;
    const purge = () => {
      started++;
      return new Promise<PurgeResult>((resolve) => (finish = resolve));
    };
    const { lines, logger } = recorder();
    const schedule = createPurgeSchedule(purge, logger);

    const first = schedule.tick();
    expect(await schedule.tick()).toBe('skipped');
    expect(await schedule.tick()).toBe('skipped');
    expect(started).toBe(1);
    expect(lines.map((l) => l.level)).toEqual(['info', 'debug']);

    finish({ calls: { acme: 2 }, orphanRows: {} });
    expect(await first).toBe('done');
    expect(lines.at(-1)).toEqual({ level: 'info', msg: 'retention purge' });

    const second = schedule.tick();
    expect(started).toBe(2);
    finish({ calls: {}, orphanRows: {} });
    expect(await second).toBe('done');
  });

  it('runs again after a purge that failed', async () => {
    let calls = 0;
    const { lines, logger } = recorder();
    const schedule = createPurgeSchedule(async () => {
      calls++;
      if (calls === 1) throw new Error('connection lost');
      return { calls: {}, orphanRows: {} };
    }, logger);
    expect(await schedule.tick()).toBe('failed');
    expect(lines).toEqual([{ level: 'error', msg: 'retention purge failed' }]);
    expect(await schedule.tick()).toBe('done');
  });
});
