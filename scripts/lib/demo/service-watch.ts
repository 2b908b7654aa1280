// Says so when one of the demo's services stops on its own (a crash, an OOM kill, someone's
// kill): the demo went on printing nothing while the wallboard kept showing the last moods with
// a ticking clock (UX probe). Not while the demo itself stops them. I/O: process events.
import type { ChildProcess } from 'node:child_process';

/** The last line a service printed, for the message (its logs are JSON lines). */
function lastLine(output: string): string {
  const lines = output.trimEnd().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}

export function watchServices(
  services: Readonly<Record<string, { child: ChildProcess; output: () => string }>>,
  stopping: () => boolean,
  say: (line: string) => void,
): void {
  for (const [name, service] of Object.entries(services)) {
    // 'close', not 'exit': by then its output has been read to the end.
    service.child.once('close', (code, signal) => {
      if (stopping()) return;
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      const last = lastLine(service.output());
      say(
        `\n⚠ ${name} stopped on its own (${how}): its part of the demo is down until you restart the demo (Ctrl-C, then npm run demo)${last ? `\n  its last line: ${last}` : ''}`,
      );
    });
  }
}
