// Command-line arguments of train:emotion and eval:emotion: `--data DIR` (repeatable: a user's own
// labelled calls, a folder with manifest.csv) instead of the shipped corpora, `--loco-only`,
// `--check`, `--out FILE`, `--help`. Throws a usage error naming the bad argument. No I/O.
import { CodedError } from '../../../pipelines/errors.ts';

export interface DataArgs {
  dataDirs: string[];
  locoOnly: boolean;
  check: boolean;
  out: string | null;
  help: boolean;
}

export const USAGE = {
  eval: 'usage: npm run eval:emotion -- [--data DIR ...] [--loco-only]',
  train: 'usage: npm run train:emotion -- [--data DIR ...] [--out FILE] [--check]',
};

/** What to do when the data is not there: where the shipped corpora are looked for, or --data. */
export function missingDataHint(args: Pick<DataArgs, 'dataDirs'> | undefined): string {
  return args && args.dataDirs.length > 0
    ? 'each --data folder needs manifest.csv and the files it lists (pipelines/emotion/README.md, "Your own data")'
    : 'the research corpora are looked for in ../shared/data (CORPORA_DIR, EMODB_DIR); for your own labelled calls give --data DIR (pipelines/emotion/README.md, "Your own data")';
}

export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** The flags each script takes: a flag of the other script is refused, never silently ignored. */
const FLAGS = {
  eval: ['--data', '--loco-only', '--help', '-h'],
  train: ['--data', '--out', '--check', '--help', '-h'],
} as const;

export function parseDataArgs(argv: readonly string[], script: keyof typeof USAGE): DataArgs {
  const out: DataArgs = { dataDirs: [], locoOnly: false, check: false, out: null, help: false };
  const known: readonly string[] = FLAGS[script];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!known.includes(a)) {
      const other = Object.values(FLAGS).some((flags: readonly string[]) => flags.includes(a));
      throw new UsageError(other ? `${a} is not an option of ${script}:emotion` : `unknown argument ${a}`);
    }
    if (a === '--data' || a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--data') out.dataDirs.push(v);
      else out.out = v;
    } else if (a === '--loco-only') out.locoOnly = true;
    else if (a === '--check') out.check = true;
    else out.help = true;
  }
  return out;
}
