// A readiness probe that asks a dependency (broker, database) every few seconds, with a deadline,
// and remembers the last answer for /readyz: a dependency that went away shows as not ready even
// when no request of the service happened to touch it. I/O: whatever `check` does; timers.

export interface ProbeOptions {
  /** Time between two probes (default 5 s). */
  intervalMs?: number;
  /** A probe with no answer after this long counts as a failure (default 5 s). */
  timeoutMs?: number;
  /** State until the first probe answers (a service that just connected: true). */
  initiallyReady?: boolean;
  /** Called after a failed probe, e.g. to drop a connection that may be dead. */
  onFailure?: () => Promise<void>;
  /** Called by stop(), after the last probe. */
  onStop?: () => Promise<void>;
}

export interface PeriodicProbe {
  /** Whether the last probe succeeded. */
  ready(): boolean;
  /** Runs one probe now (or joins the one running) and resolves with its outcome. */
  probe(): Promise<boolean>;
  stop(): Promise<void>;
}

export function startPeriodicProbe(check: () => Promise<unknown>, options: ProbeOptions = {}): PeriodicProbe {
  const intervalMs = options.intervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let up = options.initiallyReady ?? false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<boolean> | null = null;

  const probe = (): Promise<boolean> => {
    inFlight ??= (async () => {
      let deadline: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            deadline = setTimeout(() => reject(new Error('probe timed out')), timeoutMs);
          }),
        ]);
        up = true;
      } catch {
        up = false;
        await options.onFailure?.().catch(() => undefined);
      } finally {
        clearTimeout(deadline);
        inFlight = null;
      }
      return up;
    })();
    return inFlight;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void probe().finally(schedule), intervalMs);
    timer.unref();
  };
  schedule();

  return {
    ready: () => up,
    probe,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await options.onStop?.().catch(() => undefined);
    },
  };
}
