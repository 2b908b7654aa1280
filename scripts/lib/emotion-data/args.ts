// Command-line arguments of train:emotion and eval:emotion: `--data DIR` (repeatable: a user's own
// labelled calls, a folder with manifest.csv) instead of the shipped corpora, `--loco-only`,
// `--check`, `--out FILE`. Throws a usage error naming the bad argument. No I/O.
import { CodedError } from '../../../pipelines/errors.ts';

export interface DataArgs {
  dataDirs: string[];
  locoOnly: boolean;
  check: boolean;
  out: string | null;
}

export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export function parseDataArgs(argv: readonly string[]): DataArgs {
  const out: DataArgs = { dataDirs: [], locoOnly: false, check: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data' || a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--data') out.dataDirs.push(v);
      else out.out = v;
    } else if (a === '--loco-only') out.locoOnly = true;
    else if (a === '--check') out.check = true;
    else throw new UsageError(`unknown argument ${a}`);
  }
  return out;
}
