// Command-line arguments of `voice-analytics analyze`: parsed and validated into one options
// object with clear, coded errors. Pure, no I/O (the path is checked later, by the file walker).
import { AnalyzeError } from './errors.ts';
import type { Channel } from '../../pipelines/dsp/types.ts';

export const USAGE = `usage: voice-analytics analyze <file-or-folder> [options]

Analyses recorded calls (WAV) with the same pipeline as the live services: pace, pitch, vocal
tension, loudness and emotion per speaker, and the conversation's dynamics for two-channel calls.

options:
  --channels agent=left,customer=right   which WAV channel is which speaker (left/right or a
                                          channel number from 1). Default: stereo agent=left,
                                          customer=right; mono customer=left.
  --json <out.json>                       also write every window's features and emotion event
  --jobs <n>                              files analysed in parallel (default: CPU count)
  --model <emotion-model.json>            default: models/emotion-v2.json of this package
  --store                                 also write each analysed call into the call store (the
                                          QA pages of live calls). PostgreSQL when DATABASE_URL is
                                          set, else PGlite in STORE_DATA_DIR (default
                                          .data/call-store). PGlite allows one process at a time:
                                          while the call-store service runs, set DATABASE_URL.
                                          Re-importing a file changes nothing (its call id is
                                          derived from the file path). The pace score follows
                                          ALERT_RULES_FILE / ALERT_TENANT_RULES_DIR.
  --tenant <id>                           tenant of the stored calls (default: default)
  --agent <id>                            agent id of the stored calls (default: unknown)
  --queue <name>                          queue of the stored calls (default: import)
  -h, --help                              this text

exit code: 0 all analysed (and stored), 1 some files skipped or not stored, 2 usage/setup error.`;

export type ChannelMap = Partial<Record<Channel, number>>;

export interface AnalyzeOptions {
  input: string;
  /** Explicit mapping, or undefined for the default (by channel count). */
  channels: ChannelMap | undefined;
  jsonPath: string | undefined;
  jobs: number | undefined;
  modelPath: string | undefined;
  /** Where stored calls go; undefined without --store. */
  store: StoreTarget | undefined;
}

/** Labels of the calls written with --store (the call store's tenant, agent and queue columns). */
export interface StoreTarget {
  tenant: string;
  agentId: string;
  queue: string;
}

export const STORE_DEFAULTS: StoreTarget = { tenant: 'default', agentId: 'unknown', queue: 'import' };

export type ParsedCommand = { kind: 'help' } | { kind: 'analyze'; options: AnalyzeOptions };

const SPEAKERS: readonly Channel[] = ['agent', 'customer'];
const VALUE_OPTIONS = new Set([
  '--channels',
  '--json',
  '--jobs',
  '--model',
  '--tenant',
  '--agent',
  '--queue',
]);
const FLAG_OPTIONS = new Set(['--store']);
const STORE_LABELS = [
  ['--tenant', 'tenant'],
  ['--agent', 'agentId'],
  ['--queue', 'queue'],
] as const;

export function parseArgs(argv: readonly string[]): ParsedCommand {
  // No command at all is a usage error (exit 2, the usage on stderr): a script that lost its
  // arguments must not read as a successful run.
  if (argv.length === 0) throw new AnalyzeError('USAGE', 'no command given (expected "analyze")');
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'analyze')
    throw new AnalyzeError('USAGE', `unknown command "${command}" (expected "analyze")`);
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (FLAG_OPTIONS.has(name)) {
        if (eq > 0) throw new AnalyzeError('USAGE', `${name} takes no value`);
        if (values.has(name)) throw new AnalyzeError('USAGE', `${name} given twice`);
        values.set(name, 'true');
        continue;
      }
      if (!VALUE_OPTIONS.has(name)) throw new AnalyzeError('UNKNOWN_OPTION', `unknown option ${name}`);
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '') throw new AnalyzeError('USAGE', `${name} needs a value`);
      if (values.has(name)) throw new AnalyzeError('USAGE', `${name} given twice`);
      values.set(name, value);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new AnalyzeError('UNKNOWN_OPTION', `unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new AnalyzeError(
      'USAGE',
      positional.length === 0
        ? 'missing <file-or-folder>'
        : `one <file-or-folder> expected, got ${positional.length}`,
    );
  }
  const channelsArg = values.get('--channels');
  const jobsArg = values.get('--jobs');
  return {
    kind: 'analyze',
    options: {
      input: positional[0],
      channels: channelsArg === undefined ? undefined : parseChannelMap(channelsArg),
      jsonPath: values.get('--json'),
      jobs: jobsArg === undefined ? undefined : parseJobs(jobsArg),
      modelPath: values.get('--model'),
      store: parseStoreTarget(values),
    },
  };
}

/** --store with its labels; the labels alone are a mistake (they would silently do nothing). */
function parseStoreTarget(values: ReadonlyMap<string, string>): StoreTarget | undefined {
  if (!values.has('--store')) {
    const orphan = STORE_LABELS.find(([flag]) => values.has(flag));
    if (orphan) throw new AnalyzeError('USAGE', `${orphan[0]} only applies with --store`);
    return undefined;
  }
  const target: StoreTarget = { ...STORE_DEFAULTS };
  for (const [flag, key] of STORE_LABELS) {
    const value = values.get(flag);
    if (value !== undefined) target[key] = parseLabel(flag, value);
  }
  return target;
}

/** Tenant, agent and queue: 1-200 visible characters, as the call store accepts them. */
function parseLabel(flag: string, text: string): string {
  if (text.length > 200 || !/^[\w.@:+-][\w .@:+/-]*$/.test(text) || text.trim() !== text) {
    throw new AnalyzeError(
      'BAD_STORE_OPTION',
      `${flag} must be 1-200 letters, digits, spaces or . _ - @ : + / (no leading or trailing space), got "${text.slice(0, 40)}"`,
    );
  }
  return text;
}

/** `agent=left,customer=right` -> { agent: 0, customer: 1 }; channel numbers count from 1. */
export function parseChannelMap(text: string): ChannelMap {
  const map: ChannelMap = {};
  const used = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*([a-z0-9]+)\s*$/i.exec(part);
    if (!m) throw new AnalyzeError('BAD_CHANNELS', `"${part}" is not speaker=channel (e.g. agent=left)`);
    const speaker = m[1].toLowerCase() as Channel;
    if (!SPEAKERS.includes(speaker)) {
      throw new AnalyzeError('BAD_CHANNELS', `unknown speaker "${m[1]}" (expected agent or customer)`);
    }
    if (map[speaker] !== undefined) throw new AnalyzeError('BAD_CHANNELS', `speaker ${speaker} given twice`);
    const index = channelIndex(m[2].toLowerCase());
    if (used.has(index)) throw new AnalyzeError('BAD_CHANNELS', `channel ${m[2]} given to two speakers`);
    used.add(index);
    map[speaker] = index;
  }
  return map;
}

function channelIndex(name: string): number {
  if (name === 'left' || name === 'mono') return 0;
  if (name === 'right') return 1;
  if (/^[1-9]\d{0,2}$/.test(name)) return Number(name) - 1;
  throw new AnalyzeError(
    'BAD_CHANNELS',
    `unknown channel "${name}" (expected left, right or a number from 1)`,
  );
}

function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new AnalyzeError('BAD_JOBS', `--jobs must be a whole number from 1 to 256, got "${text}"`);
  }
  return Number(text);
}

/** The speakers of a file: the explicit map (checked against the file) or the default by channel count. */
export function resolveChannels(
  map: ChannelMap | undefined,
  channelCount: number,
): { channel: Channel; index: number }[] {
  const chosen: ChannelMap = map ?? (channelCount === 1 ? { customer: 0 } : { agent: 0, customer: 1 });
  const out: { channel: Channel; index: number }[] = [];
  for (const channel of SPEAKERS) {
    const index = chosen[channel];
    if (index === undefined) continue;
    if (index >= channelCount) {
      throw new AnalyzeError(
        'CHANNEL_OUT_OF_RANGE',
        `${channel} is channel ${index + 1} but the file has ${channelCount} channel${channelCount === 1 ? '' : 's'}`,
      );
    }
    out.push({ channel, index });
  }
  return out;
}

/** `left`, `right` or `channel N` for printing. */
export function channelName(index: number): string {
  return index === 0 ? 'left' : index === 1 ? 'right' : `channel ${index + 1}`;
}
