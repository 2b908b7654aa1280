// NOTICE.md's third-party table is what scripts/third-party-notices.ts makes of the lock file and
// node_modules now: a dependency added, upgraded or moved fails here until the table is made
// again (sh scripts/node24.sh scripts/third-party-notices.ts --write). Every licence in it is one
// the table allows, and every corpus the shipped emotion model was trained on is named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PERMISSIVE,
  renderThirdParty,
  sectionOf,
  thirdPartyPackages,
  withSection,
} from '../../../scripts/lib/third-party.ts';

const notice = readFileSync('NOTICE.md', 'utf8');
const packages = thirdPartyPackages();

describe('NOTICE.md', () => {
  it('has the third-party table of the current lock file', () => {
    expect(sectionOf(notice)).toBe(renderThirdParty(packages));
  });

  it('lists only licences the table allows', () => {
    expect(packages.filter((p) => !PERMISSIVE.has(p.licence))).toEqual([]);
  });

  it("lists the runtime's dependencies and the bundled uPlot, not the dev tools", () => {
    const ships = new Map(packages.map((p) => [p.name, p.ships]));
    expect(ships.get('kafkajs')).toBe('runtime');
    expect(ships.get('uplot')).toBe('bundled into the pages');
    expect(ships.has('vite')).toBe(false);
    expect(ships.has('vitest')).toBe(false);
    expect(renderThirdParty(packages)).toContain('Copyright (c) 2022 Leon Sorokin');
  });

  it('keeps the written parts when the table is written again', () => {
    const updated = withSection(notice, '| new |\n');
    expect(updated?.startsWith(notice.slice(0, notice.indexOf('<!-- third-party:')))).toBe(true);
    expect(sectionOf(updated ?? '')).toBe('| new |\n');
    expect(withSection('no markers', '| new |\n')).toBeNull();
  });

  it('names every corpus the shipped emotion model was trained on', () => {
    const model = JSON.parse(readFileSync('models/emotion-v2.json', 'utf8')) as {
      training: { corpora: string[] };
    };
    const names: Record<string, string> = {
      ased: 'ASED',
      baved: 'BAVED',
      emodb: 'EmoDB',
      emovo: 'EMOVO',
      nemo: 'nEMO',
      savee: 'SAVEE',
      tess: 'TESS',
    };
    for (const corpus of model.training.corpora) expect(notice).toContain(`| ${names[corpus] ?? corpus}`);
  });
});
