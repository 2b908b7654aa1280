// The demo says when one of its services stops on its own (real child processes), and says
// nothing when the demo is the one stopping them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchServices } from '../../../../../scripts/lib/demo/service-watch.ts';

const service = (code: number) => {
  const child = spawn(
    process.execPath,
    ['-e', `console.log('{"msg":"out of memory"}'); process.exit(${code})`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
};

describe('demo service watch', () => {
  it('names the service that stopped on its own, how, and its last line', async () => {
    const said: string[] = [];
    const alert = service(3);
    watchServices(
      { 'alert-service': alert },
      () => false,
      (line) => said.push(line),
    );
    await once(alert.child, 'close');
    expect(said.join('')).toMatch(/alert-service stopped on its own \(exit code 3\)/);
    expect(said.join('')).toMatch(/its last line: \{"msg":"out of memory"\}/);
  });

  it('says nothing while the demo stops its services', async () => {
    const said: string[] = [];
    const store = service(0);
    watchServices(
      { 'call-store': store },
      () => true,
      (line) => said.push(line),
    );
    await once(store.child, 'close');
    expect(said).toEqual([]);
  });
});
