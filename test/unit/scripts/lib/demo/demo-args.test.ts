// The demo's command line: a flag it does not know, a value out of range or two voices at once is a
// USAGE error naming it (demo.ts prints one line and the usage, exit 2), never a stack trace or a
// silently replaced value; --help is answered.
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../../../../scripts/lib/demo/demo-args.ts';

describe('demo arguments', () => {
  it('reads the flags, with defaults', () => {
    expect(parseDemoArgs([])).toEqual({ help: false, exit: false, speed: 1, calls: undefined, kind: 'nemo' });
    expect(parseDemoArgs(['--exit', '--speed', '4', '--calls', '2', '--synthetic'])).toEqual({
      help: false,
      exit: true,
      speed: 4,
      calls: 2,
      kind: 'synthetic',
    });
    expect(parseDemoArgs(['-h']).help).toBe(true);
    expect(parseDemoArgs(['--help', '--speed', '500', '--synthetic', '--emodb']).help).toBe(true);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--speed', 'abc'], /--speed must be a number from 0.1 to 100 \(got "abc"\)/],
    [['--speed', '0'], /--speed must be a number/],
    [['--calls', '1.5'], /--calls must be an integer from 1 to 50/],
    [['--calls', '51'], /--calls must be an integer/],
    [['--synthetic', '--emodb'], /choose one/],
    [['extra'], /positional/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
    expect(() => parseDemoArgs(argv)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
