// The command line of the product's scripts and tools: `--help` (or -h) prints the usage and exits
// 0; an unknown flag, a missing value or a stray argument is one `<name>: USAGE: …` line and the
// usage on stderr, exit 2 (node:util parseArgs threw a stack trace; some scripts ignored --help and
// ran for minutes). I/O: process (exit, stdout, stderr).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function usageExit(name: string, usage: string, problem: string): never {
  process.stderr.write(`${name}: USAGE: ${problem}\n${usage}\n`);
  process.exit(2);
}

/** parseArgs of `config` (process.argv by default) with --help added and its errors as above. */
export function parseCli<T extends ParseArgsConfig>(
  name: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  const options = { ...config.options, help: { type: 'boolean', short: 'h' } } as T['options'];
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs({ ...config, options } as T);
  } catch (error) {
    return usageExit(name, usage, (error as Error).message.split('\n')[0]);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed;
}

/** A script that takes no arguments: --help answers, anything else is refused. */
export function noArgs(name: string, usage: string): void {
  parseCli(name, usage, { options: {} });
}

/** `--<option>` as an integer in [min, max], else the USAGE line and exit 2 (`Number('x')` ran on as NaN). */
export function intArg(
  name: string,
  usage: string,
  option: string,
  value: string | undefined,
  range: { min: number; max?: number },
): number {
  const n = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  if (Number.isInteger(n) && n >= range.min && n <= (range.max ?? Number.MAX_SAFE_INTEGER)) return n;
  const bound = range.max === undefined ? `>= ${range.min}` : `from ${range.min} to ${range.max}`;
  return usageExit(name, usage, `--${option} must be an integer ${bound} (got "${value ?? ''}")`);
}
