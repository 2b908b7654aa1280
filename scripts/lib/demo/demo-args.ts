// The demo's command line: `--exit`, `--speed X` (0.1–100, audio seconds per wall second),
// `--calls N` (1–50), `--synthetic` or `--emodb` (the voices; default the shipped nEMO calls),
// `--help`. Anything else is a UsageError (one line and the usage, exit 2), never a stack trace or
// a silently replaced value. Pure.
import { parseArgs } from 'node:util';
import { UsageError } from '../emotion-data/args.ts';
import type { DemoSourceKind } from './sources.ts';

export const DEMO_USAGE =
  'usage: npm run demo [-- --exit] [--speed X (0.1-100, default 1)] [--calls N (1-50)] [--synthetic | --emodb] [--help]';

export interface DemoArgs {
  help: boolean;
  exit: boolean;
  speed: number;
  /** Calls to stream; undefined: every call of the source. */
  calls: number | undefined;
  kind: DemoSourceKind;
}

function numberIn(name: string, text: string, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${text.slice(0, 20)}")`,
    );
  return value;
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        calls: { type: 'string' },
        speed: { type: 'string', default: '1' },
        exit: { type: 'boolean', default: false },
        synthetic: { type: 'boolean', default: false },
        emodb: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  // --help answers whatever else is on the line.
  if (values.help) return { help: true, exit: false, speed: 1, calls: undefined, kind: 'nemo' };
  if (values.synthetic && values.emodb) throw new UsageError('--synthetic and --emodb: choose one');
  return {
    help: false,
    exit: values.exit,
    speed: numberIn('speed', values.speed, 0.1, 100, false),
    calls: values.calls === undefined ? undefined : numberIn('calls', values.calls, 1, 50, true),
    kind: values.synthetic ? 'synthetic' : values.emodb ? 'emodb' : 'nemo',
  };
}
