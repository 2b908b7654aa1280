// The drain at a stop (SIGTERM): the WebSocket adapters' platforms (Twilio, jambonz/FreeSWITCH,
// Genesys) do not move a live call to another gateway, so ending their calls at every rollout or
// scale-in cut the rest of each call from analytics. The drain refuses new calls on every intake
// at once (the load balancer, seeing /readyz fail, sends them to another gateway) and lets the
// adapters' live calls go on until they end or DRAIN_MAX_MS passes; the stop then ends what is
// left as before. gRPC calls are handed over at once instead: their clients resume them on
// another gateway (README "Rolling deploys"). DRAIN_MAX_MS is timed on the monotonic clock: on the
// wall clock, an NTP step forward during a drain ended it at once and cut the calls it waits for,
// and a step back made it outlast the stop's own limit. I/O: a timer.

/** What the drain needs of an intake. */
export interface Drainable {
  /** From now on new calls are refused ("try another instance"); live ones go on. */
  drain(): void;
  /** Calls of this intake not yet ended (sockets still open, calls waiting for a reconnect). */
  openCalls(): number;
}

export interface Drain {
  /** True from the start of the drain on (the gateway is not ready any more). */
  draining(): boolean;
  /** Calls the drain still waits for (0 when not draining). */
  waitingFor(): number;
  /** How long the drain has run (0 when not draining): at `maxMs` the calls left are cut. */
  elapsedMs(): number;
  /** Refuses new calls, then resolves when no call is open or after `maxMs`, whichever first. */
  run(): Promise<void>;
}

/** How often the drain looks whether the last call ended (one look is a few counters). */
const POLL_MS = 200;

export function createDrain(intakes: readonly Drainable[], maxMs: number): Drain {
  let draining = false;
  let startedAtMonoMs = 0;
  const open = (): number => intakes.reduce((sum, intake) => sum + intake.openCalls(), 0);
  return {
    draining: () => draining,
    waitingFor: () => (draining ? open() : 0),
    elapsedMs: () => (draining ? performance.now() - startedAtMonoMs : 0),
    run() {
      draining = true;
      startedAtMonoMs = performance.now();
      for (const intake of intakes) intake.drain();
      const deadlineMonoMs = startedAtMonoMs + maxMs;
      return new Promise<void>((resolve) => {
        const look = (): void => {
          if (open() === 0 || performance.now() >= deadlineMonoMs) resolve();
          else setTimeout(look, Math.min(POLL_MS, deadlineMonoMs - performance.now()));
        };
        look();
      });
    },
  };
}
