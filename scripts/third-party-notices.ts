// sh scripts/node24.sh scripts/third-party-notices.ts [--write] — the third-party part of
// NOTICE.md: every package the runtime image installs (the lock's production closure) and every
// package bundled into the pages, with version and licence (from node_modules/*/package.json),
// then the licence text of each bundled one. Prints it; --write puts it into NOTICE.md between
// its markers. Exits 1 naming any licence outside MIT / ISC / BSD / Apache-2.0 / 0BSD: such a
// package needs a decision before it ships. test/unit/scripts/third-party-notices.test.ts fails
// when NOTICE.md is out of date. I/O: reads the lock, node_modules, the pages; writes NOTICE.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCli } from '../services/shared/cli-args.ts';
import { PERMISSIVE, renderThirdParty, thirdPartyPackages, withSection } from './lib/third-party.ts';

const USAGE = 'usage: sh scripts/node24.sh scripts/third-party-notices.ts [--write]';
const { values } = parseCli('third-party-notices', USAGE, {
  options: { write: { type: 'boolean', default: false } },
});

const packages = thirdPartyPackages();
const section = renderThirdParty(packages);
if (values.write) {
  const notice = withSection(readFileSync('NOTICE.md', 'utf8'), section);
  if (notice === null) {
    process.stderr.write("third-party-notices: NOTICE.md lacks the generated part's markers\n");
    process.exit(1);
  }
  writeFileSync('NOTICE.md', notice);
} else process.stdout.write(section);

const other = packages.filter((p) => !PERMISSIVE.has(p.licence));
for (const p of other)
  process.stderr.write(
    `third-party-notices: ${p.name} ${p.version} is ${p.licence}: not a licence this table allows\n`,
  );
if (other.length > 0) process.exit(1);
