// The third-party packages the product ships, for NOTICE.md: the production closure of
// package-lock.json (what the image's `npm ci --omit=dev` installs into node_modules) and the
// packages the pages import, with their own dependencies (dev dependencies, bundled by Vite into
// dist/). Each licence is read from the installed package's package.json; an optional platform
// build not installed on this machine keeps the lock's record of it. I/O: reads package-lock.json,
// node_modules/**/package.json and licence files, the pages' sources (git ls-files).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackedSourceFiles } from './tracked-files.ts';

export interface ThirdPartyPackage {
  name: string;
  version: string;
  licence: string;
  /** Installed with the runtime (node_modules), or bundled into the pages (dist/). */
  ships: 'runtime' | 'runtime, optional' | 'bundled into the pages';
  /** node_modules/… as the lock names it. */
  path: string;
}

/** The licences NOTICE.md's table may hold; anything else needs a person's decision first. */
export const PERMISSIVE: ReadonlySet<string> = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
]);

interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
}

const nameOf = (path: string): string =>
  path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

function licenceOf(root: string, path: string, entry: LockEntry): string {
  const file = join(root, path, 'package.json');
  if (!existsSync(file)) return entry.license ?? 'UNKNOWN';
  const { license, licenses } = JSON.parse(readFileSync(file, 'utf8')) as {
    license?: string | { type: string };
    licenses?: { type: string }[];
  };
  if (typeof license === 'string') return license;
  if (license) return license.type;
  return licenses?.map((l) => l.type).join(' OR ') ?? 'UNKNOWN';
}

/**
 * The packages a source file imports as values (`import`/`export … from`, side-effect imports;
 * type-only imports are erased at run time), by package name; Node's `node:` modules left out.
 */
export function packageImports(source: string): string[] {
  const statement = /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'".][^'"]*)['"]/gm;
  return [...source.matchAll(statement)]
    .map((m) => m[1])
    .filter((name) => !name.startsWith('node:'))
    .map((name) =>
      name
        .split('/')
        .slice(0, name.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/** The packages the pages (services/*\/web, built by Vite) import; vite.config.ts is build tooling. */
export function pagePackages(root = '.'): string[] {
  const names = trackedSourceFiles(root)
    .filter((file) => /^services\/[^/]+\/web\//.test(file) && !file.endsWith('vite.config.ts'))
    .flatMap((file) => packageImports(readFileSync(join(root, file), 'utf8')));
  return [...new Set(names)].sort();
}

export function thirdPartyPackages(root = '.'): ThirdPartyPackage[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  // The pages' packages and what they depend on (resolved at the top level, as npm hoists them).
  const bundled = new Set<string>();
  const pending = pagePackages(root).map((name) => `node_modules/${name}`);
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (bundled.has(path) || !lock.packages[path]) continue;
    bundled.add(path);
    for (const dependency of Object.keys(lock.packages[path].dependencies ?? {}))
      pending.push(`node_modules/${dependency}`);
  }
  const rows: ThirdPartyPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/')) continue;
    const ships = !entry.dev
      ? entry.optional
        ? 'runtime, optional'
        : 'runtime'
      : bundled.has(path)
        ? 'bundled into the pages'
        : null;
    if (ships === null) continue;
    rows.push({
      name: nameOf(path),
      version: entry.version ?? '',
      licence: licenceOf(root, path, entry),
      ships,
      path,
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The licence file's text of an installed package, or null. */
function licenceText(root: string, path: string): string | null {
  const dir = join(root, path);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^licen[cs]e(\.\w+)?$/i.test(f)) : undefined;
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/**
 * NOTICE.md's generated part: the table, then the licence text of each bundled package (the
 * minified pages drop its copyright comment, so its notice travels here).
 */
export function renderThirdParty(packages: readonly ThirdPartyPackage[], root = '.'): string {
  const lines = [
    '| package | version | licence | ships |',
    '| --- | --- | --- | --- |',
    ...packages.map((p) => `| \`${p.name}\` | ${p.version} | ${p.licence} | ${p.ships} |`),
  ];
  for (const p of packages.filter((p) => p.ships === 'bundled into the pages')) {
    const text =
      licenceText(root, p.path) ?? `(the package has no licence file; package.json says ${p.licence})`;
    lines.push(
      '',
      `Licence of \`${p.name}\` ${p.version}, bundled into the pages:`,
      '',
      '```text',
      text,
      '```',
    );
  }
  return `${lines.join('\n')}\n`;
}

export const SECTION_START = '<!-- third-party: generated by scripts/third-party-notices.ts, do not edit -->';
export const SECTION_END = '<!-- third-party: end -->';

/** The generated part of a NOTICE.md text (between the markers), or null without them. */
export function sectionOf(notice: string): string | null {
  const start = notice.indexOf(SECTION_START);
  const end = notice.indexOf(SECTION_END);
  if (start < 0 || end < start) return null;
  return notice.slice(start + SECTION_START.length, end).replace(/^\n/, '');
}

/** `notice` with its generated part replaced by `section`; null without the markers. */
export function withSection(notice: string, section: string): string | null {
  if (sectionOf(notice) === null) return null;
  const start = notice.indexOf(SECTION_START) + SECTION_START.length;
  return `${notice.slice(0, start)}\n${section}${notice.slice(notice.indexOf(SECTION_END))}`;
}
