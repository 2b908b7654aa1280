// The layering check of `npm run report:imports`: on the real tree no service imports another
// service, no benchmark reaches test code and no pipelines/ stage imports I/O; and on small made-up
// trees each kind of edge is found (so an empty report means a clean tree, not a blind check).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importReport, importsOf } from '../../../scripts/lib/import-graph.ts';
import { trackedSourceFiles } from '../../../scripts/lib/tracked-files.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('report:imports', () => {
  it('finds no service -> service, bench -> test or pipelines I/O edge in this tree', () => {
    const files = trackedSourceFiles(ROOT)
      .filter((path) => path.endsWith('.ts'))
      .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
    expect(files.length).toBeGreaterThan(100);
    expect(importReport(files)).toEqual({ service_to_service: [], bench_to_test: [], pipelines_io: [] });
  });

  it('resolves relative specifiers of every import form and skips comment lines', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../shared/b.ts';",
      'import {',
      '  c,',
      "} from '../../pipelines/c.ts';",
      "export { d } from './d.ts';",
      "import 'node:fs';",
      "const e = await import('../e/e.ts');",
      "// imports from '../commented.ts'",
    ].join('\n');
    expect(importsOf({ path: 'services/x/y.ts', text })).toEqual([
      'services/x/a.ts',
      'services/shared/b.ts',
      'pipelines/c.ts',
      'services/x/d.ts',
      'node:fs',
      'services/e/e.ts',
    ]);
  });

  it('reports each kind of layering break, bench -> test also through a helper', () => {
    const report = importReport([
      { path: 'services/a/x.ts', text: "import { y } from '../b/y.ts';\nimport '../shared/z.ts';" },
      { path: 'services/b/y.ts', text: "import { z } from '../shared/z.ts';" },
      { path: 'services/shared/z.ts', text: "import { w } from '../a/w.ts';" },
      { path: 'scripts/bench-x.ts', text: "import { h } from './lib/helper.ts';" },
      { path: 'scripts/lib/helper.ts', text: "import { t } from '../../test/support/t.ts';" },
      { path: 'test/support/t.ts', text: '' },
      {
        path: 'pipelines/p.ts',
        text: "import { readFileSync } from 'node:fs';\nimport type { K } from 'kafkajs';",
      },
      {
        path: 'pipelines/q.ts',
        text: "import { zod } from 'zod';\nimport { s } from '../services/shared/z.ts';",
      },
      { path: 'pipelines/r.ts', text: "import { audio } from '../devkit/audio/a.ts';" },
    ]);
    expect(report.service_to_service).toEqual([
      { from: 'services/a/x.ts', to: 'services/b/y.ts' },
      { from: 'services/shared/z.ts', to: 'services/a/w.ts' },
    ]);
    expect(report.bench_to_test).toEqual([{ from: 'scripts/lib/helper.ts', to: 'test/support/t.ts' }]);
    expect(report.pipelines_io).toEqual([
      { from: 'pipelines/p.ts', to: 'node:fs' },
      { from: 'pipelines/p.ts', to: 'kafkajs' },
      { from: 'pipelines/q.ts', to: 'services/shared/z.ts' },
      { from: 'pipelines/r.ts', to: 'devkit/audio/a.ts' },
    ]);
  });
});
