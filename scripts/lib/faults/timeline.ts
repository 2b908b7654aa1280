// Runs timed fault actions against a run in progress ("at 10 s SIGKILL the busiest broker") and
// records when each really happened, so figures can be cut around them. I/O: whatever the
// actions do.

export interface FaultAction {
  name: string;
  /** Seconds after the timeline starts. */
  atS: number;
  run(): Promise<string | void>;
}

export interface FaultRecord {
  name: string;
  at_s: number;
  /** Wall clock when the action began and ended. */
  startedAtMs: number;
  doneAtMs: number;
  note?: string;
  error?: string;
}

export function runTimeline(
  actions: readonly FaultAction[],
  startedAtMs: number,
  log: (msg: string) => void,
): Promise<FaultRecord[]> {
  const sorted = [...actions].sort((a, b) => a.atS - b.atS);
  return (async () => {
    const records: FaultRecord[] = [];
    for (const action of sorted) {
      const due = startedAtMs + action.atS * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const began = Date.now();
      log(`t=${((began - startedAtMs) / 1000).toFixed(1)} s: ${action.name}`);
      const record: FaultRecord = {
        name: action.name,
        at_s: action.atS,
        startedAtMs: began,
        doneAtMs: began,
      };
      try {
        const note = await action.run();
        if (note) record.note = note;
      } catch (error) {
        record.error = (error as Error).message;
        log(`${action.name} failed: ${record.error}`);
      }
      record.doneAtMs = Date.now();
      records.push(record);
    }
    return records;
  })();
}
