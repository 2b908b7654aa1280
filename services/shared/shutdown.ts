// Graceful shutdown: on SIGTERM/SIGINT run the registered steps in order (stop intake, finish
// in-flight work, commit, close), each bounded by a timeout, then exit. A second signal exits at
// once. I/O: process signal handlers and process.exit.
import type { Logger } from './logger.ts';

export interface Shutdown {
  /** Steps run in the order added: add "stop intake" first and "close clients" last. */
  add(name: string, step: () => Promise<void> | void): void;
  /** Steps run after every `add` step, in the order added (closing shared clients). */
  addFinal(name: string, step: () => Promise<void> | void): void;
  /** Runs the steps once (later calls return the same promise); resolves when all are done. */
  run(reason: string): Promise<void>;
  readonly signal: AbortSignal;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Per step; a hung step is logged and skipped. */
  stepTimeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers that exit the process after run(). Tests pass false. */
  handleSignals?: boolean;
  exit?: (code: number) => void;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const steps: { name: string; step: () => Promise<void> | void }[] = [];
  const finals: typeof steps = [];
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.stepTimeoutMs ?? 10_000;
  let running: Promise<void> | undefined;

  const runSteps = async (reason: string): Promise<void> => {
    options.logger.info('shutting down', { reason });
    controller.abort(new Error(`shutdown: ${reason}`));
    for (const { name, step } of [...steps, ...finals]) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(step), timeout]);
        if (outcome === 'timeout') options.logger.warn('shutdown step timed out', { step: name, timeoutMs });
      } catch (error) {
        options.logger.error('shutdown step failed', { step: name, error });
      } finally {
        clearTimeout(timer);
      }
    }
    options.logger.info('shut down', { reason });
  };

  const shutdown: Shutdown = {
    add: (name, step) => void steps.push({ name, step }),
    addFinal: (name, step) => void finals.push({ name, step }),
    run: (reason) => (running ??= runSteps(reason)),
    signal: controller.signal,
  };

  if (options.handleSignals ?? true) {
    for (const name of ['SIGTERM', 'SIGINT'] as const) {
      process.on(name, () => {
        if (running) {
          options.logger.warn('second signal: exiting now', { signal: name });
          exit(1);
          return;
        }
        shutdown.run(name).then(
          () => exit(0),
          () => exit(1),
        );
      });
    }
  }
  return shutdown;
}
