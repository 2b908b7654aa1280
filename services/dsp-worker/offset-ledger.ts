// Remembers, per channel of one call, which Kafka offsets hold audio that an unfinished window
// still needs, so the worker never commits past them. Pure, no I/O; a few dozen entries per call.
// Trimmed after every record: no iterator or spliced-out array per record (one entry is all a
// record adds).

interface Entry {
  offset: number;
  endMs: number;
}

/** A hard cap so a call whose windows never complete cannot grow the ledger without bound. */
const MAX_ENTRIES_PER_CHANNEL = 4_096;

export class OffsetLedger {
  private readonly channels = new Map<string, Entry[]>();
  /** The same lists, for iterating without a Map iterator. */
  private readonly lists: Entry[][] = [];

  /** Records that `offset` holds audio of `channel` up to `endMs` (ms since call start). */
  add(channel: string, offset: number, endMs: number): void {
    let entries = this.channels.get(channel);
    if (entries === undefined) {
      entries = [];
      this.channels.set(channel, entries);
      this.lists.push(entries);
    }
    entries.push({ offset, endMs });
    if (entries.length > MAX_ENTRIES_PER_CHANNEL) entries.shift();
  }

  /** Forgets records whose audio ends at or before `ms`: no unfinished window needs them. */
  trimBefore(ms: number): void {
    for (let c = 0; c < this.lists.length; c++) {
      const entries = this.lists[c];
      let drop = 0;
      while (drop < entries.length && entries[drop].endMs <= ms) drop += 1;
      if (drop === 0) continue;
      for (let i = drop; i < entries.length; i++) entries[i - drop] = entries[i];
      entries.length -= drop;
    }
  }

  /** The smallest offset still needed, or null when none is. */
  oldestOffset(): number | null {
    let oldest: number | null = null;
    for (const entries of this.channels.values()) {
      if (entries.length > 0 && (oldest === null || entries[0].offset < oldest)) oldest = entries[0].offset;
    }
    return oldest;
  }

  get size(): number {
    let size = 0;
    for (const entries of this.channels.values()) size += entries.length;
    return size;
  }
}
