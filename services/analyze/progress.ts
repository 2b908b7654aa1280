// Progress bar of a folder run, drawn on stderr only when it is a terminal (never in pipes, logs
// or CI). Writes to the given stream.

export interface Progress {
  tick(failed: boolean): void;
  /** Erases the bar so other output can be written; the next tick draws it again. */
  clear(): void;
  done(): void;
}

interface TtyLike {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

const BAR_WIDTH = 30;

export function createProgress(total: number, stream: TtyLike = process.stderr): Progress {
  if (!stream.isTTY || total < 2) return { tick() {}, clear() {}, done() {} };
  let completed = 0;
  let failed = 0;
  const started = Date.now();
  const draw = () => {
    const filled = Math.round((BAR_WIDTH * completed) / total);
    const elapsedS = (Date.now() - started) / 1000;
    const etaS = completed > 0 ? (elapsedS / completed) * (total - completed) : NaN;
    const eta = Number.isFinite(etaS) ? `  eta ${Math.ceil(etaS)} s` : '';
    const bad = failed > 0 ? `  ${failed} failed` : '';
    stream.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${completed}/${total} files${bad}${eta}\x1b[K`,
    );
  };
  draw();
  return {
    tick(isFailure) {
      completed++;
      if (isFailure) failed++;
      draw();
    },
    clear() {
      stream.write('\r\x1b[K');
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
