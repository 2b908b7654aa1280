// The import edges that break the tree's layering, from the files' text alone: a service importing
// another service's code (services/shared is common ground and imports no service), a benchmark
// reaching test code (directly or through what it imports), and a pipelines/ stage importing an
// I/O module, a service or dev/test tooling (DESIGN.md "Rooms": pipelines are pure). Pure: the
// caller reads the files.
import { posix } from 'node:path';

export interface SourceText {
  /** Repository-relative, `/`-separated. */
  path: string;
  text: string;
}

export interface ImportEdge {
  from: string;
  to: string;
}

export interface ImportReport {
  service_to_service: ImportEdge[];
  bench_to_test: ImportEdge[];
  pipelines_io: ImportEdge[];
}

// `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`: the specifier follows
// `from`, a bare `import` or `import(`. Multi-line import lists end in `} from 'x'`, so one line
// holds the specifier.
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;
// Comment lines are left out so prose such as "imports from 'x'" is no edge.
const COMMENT_LINE = /^\s*(?:\/\/|\/?\*).*$/gm;

// Modules that reach the network, a broker, a database, the file system or other processes.
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
];
const IO_PACKAGES =
  /^(?:kafkajs|ws|pg|undici|playwright-core|@grpc\/|@electric-sql\/pglite|@platformatic\/kafka)/;

/** The specifiers a file imports, in order; relative ones resolved against the file's folder. */
export function importsOf(file: SourceText): string[] {
  const code = file.text.replace(COMMENT_LINE, '');
  const out: string[] = [];
  for (const match of code.matchAll(SPECIFIER)) {
    const spec = match[2];
    out.push(spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file.path), spec)) : spec);
  }
  return out;
}

function isIoModule(spec: string): boolean {
  const name = spec.startsWith('node:') ? spec.slice('node:'.length) : spec;
  return IO_MODULES.includes(name) || IO_PACKAGES.test(name);
}

/** Code with I/O that a pure stage must not reach: the services and the dev and test tooling. */
const OUTSIDE_PIPELINES = /^(?:services|devkit|scripts|test)\//;

/** `services/<name>/…` -> name; undefined elsewhere. */
function serviceOf(path: string): string | undefined {
  const match = /^services\/([^/]+)\//.exec(path);
  return match?.[1];
}

const isTest = (path: string): boolean => path.startsWith('test/');
/** A benchmark entry or its own helpers: `bench-*.ts`, a `bench*` folder, scripts/lib/benchmarks. */
const isBench = (path: string): boolean =>
  !isTest(path) && /(?:^|\/)bench[^/]*(?:\/|\.ts$)|^scripts\/lib\/benchmarks\//.test(path);

export function importReport(files: readonly SourceText[]): ImportReport {
  const edges = new Map<string, string[]>(files.map((f) => [f.path, importsOf(f)]));
  const report: ImportReport = { service_to_service: [], bench_to_test: [], pipelines_io: [] };
  for (const [from, targets] of edges) {
    const service = serviceOf(from);
    for (const to of targets) {
      const target = serviceOf(to);
      if (service && target && target !== 'shared' && target !== service)
        report.service_to_service.push({ from, to });
      if (from.startsWith('pipelines/') && (isIoModule(to) || OUTSIDE_PIPELINES.test(to)))
        report.pipelines_io.push({ from, to });
    }
  }
  // A bench reaches test code through any chain of non-test imports.
  const reached = new Set(files.map((f) => f.path).filter(isBench));
  const queue = [...reached];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const to of edges.get(next) ?? []) {
      if (isTest(to)) report.bench_to_test.push({ from: next, to });
      else if (edges.has(to) && !reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  return report;
}
