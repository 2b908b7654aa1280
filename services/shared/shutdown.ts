// Graceful shutdown: on SIGTERM/SIGINT run the registered steps in order (stop intake, finish
// in-flight work, commit, close), each bounded by a timeout, then exit: 0 when every step
// finished, 1 when one timed out or failed (work was left undone: an orchestrator or operator must
// not read it as a clean stop). A second signal exits at once. I/O: process signal handlers and
// process.exit.
import type { Logger } from './logger.ts';

export interface Shutdown {
  /**
   * Steps run in the order added: add "stop intake" first and "close clients" last. `timeoutMs`
   * overrides the per-step timeout (a step that flushes data may need most of the grace period).
   */
  add(name: string, step: () => Promise<void> | void, timeoutMs?: number): void;
  /** Steps run after every `add` step, in the order added (closing shared clients). */
  addFinal(name: string, step: () => Promise<void> | void): void;
  /**
   * Runs (synchronously) when a second signal exits at once, before the exit: says what that exit
   * leaves undone (calls cut, data not delivered), which no later step will account for.
   */
  onForcedExit(report: () => void): void;
  /** Runs the steps once (later calls return the same promise); resolves when all are done. */
  run(reason: string): Promise<void>;
  /** After run(): whether every step finished in time (the exit code is 0 only then). */
  readonly clean: boolean;
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
  const steps: { name: string; step: () => Promise<void> | void; timeoutMs?: number }[] = [];
  const finals: typeof steps = [];
  const forcedExitReports: (() => void)[] = [];
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const defaultTimeoutMs = options.stepTimeoutMs ?? 10_000;
  let running: Promise<void> | undefined;
  let clean = true;

  const runSteps = async (reason: string): Promise<void> => {
    options.logger.info('shutting down', { reason });
    controller.abort(new Error(`shutdown: ${reason}`));
    for (const { name, step, timeoutMs = defaultTimeoutMs } of [...steps, ...finals]) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(step), timeout]);
        if (outcome === 'timeout') {
          clean = false;
          options.logger.error('shutdown step timed out: its work is left undone', { step: name, timeoutMs });
        }
      } catch (error) {
        clean = false;
        options.logger.error('shutdown step failed', { step: name, error });
      } finally {
        clearTimeout(timer);
      }
    }
    if (clean) options.logger.info('shut down', { reason });
    else options.logger.error('shut down with work left undone (exit 1)', { reason });
  };

  const shutdown: Shutdown = {
    add: (name, step, timeoutMs) => void steps.push({ name, step, timeoutMs }),
    addFinal: (name, step) => void finals.push({ name, step }),
    onForcedExit: (report) => void forcedExitReports.push(report),
    run: (reason) => (running ??= runSteps(reason)),
    get clean() {
      return clean;
    },
    signal: controller.signal,
  };

  if (options.handleSignals ?? true) {
    for (const name of ['SIGTERM', 'SIGINT'] as const) {
      process.on(name, () => {
        if (running) {
          options.logger.warn('second signal: exiting now', { signal: name });
          for (const report of forcedExitReports) {
            try {
              report();
            } catch (error) {
              options.logger.error('forced exit report failed', { error });
            }
          }
          exit(1);
          return;
        }
        shutdown.run(name).then(
          () => exit(clean ? 0 : 1),
          () => exit(1),
        );
      });
    }
  }
  return shutdown;
}
