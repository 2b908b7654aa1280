// npm run report:sizes — the largest functions and files of the tree, as ONE JSON object on stdout,
// so "no function over ~80 lines of its own" and "files under ~400 lines" (STYLE.md) are measured,
// not guessed. Parses with the TypeScript compiler API (syntax only, no type check); reads the
// files git tracks (plus untracked ones it does not ignore), writes nothing.
// A function's `lines` is its whole span, nested closures included (how a factory that is a class
// in disguise shows up); `ownLines` leaves out the lines of the functions nested in it.
// Options: --top N (default 15) rows per list; --tests to include test/ (left out by default:
// describe() bodies are long by nature); --over N (default 80) the own-line limit counted.
import { readFileSync } from 'node:fs';
import { parseCli } from '../services/shared/cli-args.ts';
import ts from 'typescript';
import { trackedSourceFiles } from './lib/tracked-files.ts';

const USAGE = 'usage: npm run report:sizes -- [--top 15] [--over 80] [--tests]';
const { values: args } = parseCli('report:sizes', USAGE, {
  options: {
    top: { type: 'string', default: '15' },
    over: { type: 'string', default: '80' },
    tests: { type: 'boolean', default: false },
  },
});
const top = Number(args.top);
const over = Number(args.over);
if (!Number.isInteger(top) || top < 1 || !Number.isInteger(over) || over < 1) {
  process.stderr.write('report:sizes: --top and --over must be integers >= 1\n');
  process.exit(2);
}

interface FunctionSize {
  where: string;
  name: string;
  lines: number;
  ownLines: number;
}

function sourceFiles(): string[] {
  return trackedSourceFiles().filter((f) => args.tests || !f.startsWith('test/'));
}

/** A readable name: declared name, the variable or property it is assigned to, or its call site. */
function nameOf(node: ts.SignatureDeclaration, file: ts.SourceFile): string {
  if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(file);
    const first = parent.arguments[0];
    const label = first && ts.isStringLiteralLike(first) ? `(${JSON.stringify(first.text)})` : '';
    return `${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee}${label} callback`;
  }
  return '<anonymous>';
}

function lineOf(file: ts.SourceFile, pos: number): number {
  return file.getLineAndCharacterOfPosition(pos).line;
}

/** Every function-like node with a body, with its span and the spans of the functions inside it. */
function measure(path: string, text: string): FunctionSize[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const out: FunctionSize[] = [];
  // Returns the set of lines the node's functions cover, so the parent can subtract them.
  function visit(node: ts.Node): Set<number> {
    const covered = new Set<number>();
    const isFunction = ts.isFunctionLike(node) && 'body' in node && node.body !== undefined;
    const inner = new Set<number>();
    node.forEachChild((child) => {
      for (const line of visit(child)) inner.add(line);
    });
    if (!isFunction) return inner;
    const first = lineOf(file, node.getStart(file));
    const last = lineOf(file, node.getEnd());
    for (let line = first; line <= last; line++) covered.add(line);
    const lines = last - first + 1;
    const fn = node as ts.SignatureDeclaration;
    out.push({
      where: `${path}:${first + 1}`,
      name: nameOf(fn, file),
      lines,
      ownLines: lines - [...inner].filter((l) => l >= first && l <= last).length,
    });
    return covered;
  }
  visit(file);
  return out;
}

const files = sourceFiles().map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const functions = files.flatMap(({ path, text }) => measure(path, text));
const fileSizes = files.map(({ path, text }) => ({
  path,
  lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
}));
const bySpan = [...functions].sort((a, b) => b.lines - a.lines);
const byOwn = [...functions].sort((a, b) => b.ownLines - a.ownLines);

process.stdout.write(
  `${JSON.stringify({
    scope: args.tests ? 'all tracked source, tests included' : 'all tracked source except test/',
    files: files.length,
    functions: functions.length,
    functions_over_own_lines: { limit: over, count: functions.filter((f) => f.ownLines > over).length },
    files_over_400_lines: fileSizes.filter((f) => f.lines > 400).length,
    largest_functions_by_span: bySpan.slice(0, top),
    largest_functions_by_own_lines: byOwn.slice(0, top),
    largest_files: [...fileSizes].sort((a, b) => b.lines - a.lines).slice(0, top),
  })}\n`,
);
