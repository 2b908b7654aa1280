// kafkajs 2.2.4 as installed here carries scripts/patch-kafkajs.js (npm postinstall): an idle
// connection's RequestQueue arms no timer, so no 1 ms loop and no TimeoutNegativeWarning on Node 24
// (tulios/kafkajs#1704, #1751). Fails when the install skipped the patch (e.g. --ignore-scripts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

interface RequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
// A plain-JavaScript install script (no types): imported by URL.
const patchScript = new URL('../../../scripts/patch-kafkajs.js', import.meta.url).href;
const { patchState } = (await import(patchScript)) as { patchState: () => string };

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const queues: RequestQueue[] = [];
function newQueue(): RequestQueue {
  const queue = new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'patch-test',
    broker: '127.0.0.1:9092',
    logger: quiet,
  });
  queues.push(queue);
  return queue;
}

describe('kafkajs RequestQueue patch (scripts/patch-kafkajs.js)', () => {
  afterEach(() => {
    for (const queue of queues.splice(0)) queue.destroy();
  });

  it('is applied to the installed kafkajs', () => {
    expect(patchState()).toBe('patched');
  });

  it('arms no timer when a response arrives and nothing is pending or throttled', () => {
    const queue = newQueue();
    // What fulfillRequest() does after every response: unpatched, this re-armed a timer with a
    // negative delay (-1 - Date.now()), which Node runs after 1 ms, forever.
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still wakes up when a broker throttle ends', () => {
    const queue = newQueue();
    queue.throttledUntil = Date.now() + 50;
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });

  it('checks the kafkajs Node loads, also one hoisted above the project (a workspace)', () => {
    const top = mkdtempSync(join(tmpdir(), 'va-patch-layout-'));
    try {
      const project = join(top, 'packages', 'voice-analytics');
      mkdirSync(join(project, 'scripts'), { recursive: true });
      mkdirSync(join(top, 'node_modules'), { recursive: true });
      writeFileSync(join(project, 'package.json'), '{"type":"module"}');
      copyFileSync(fileURLToPath(patchScript), join(project, 'scripts', 'patch-kafkajs.js'));
      const installed = dirname(require.resolve('kafkajs/package.json'));
      symlinkSync(installed, join(top, 'node_modules', 'kafkajs'), 'dir');
      const state = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { patchState } from ${JSON.stringify(join(project, 'scripts', 'patch-kafkajs.js'))}; console.log(patchState());`,
        ],
        { encoding: 'utf8' },
      ).trim();
      // Looking only in the project's own node_modules said "missing (is kafkajs installed?)".
      expect(state).toBe('patched');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
