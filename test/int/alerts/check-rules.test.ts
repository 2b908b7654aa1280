// `npm run check-rules` judges a rule file before it is deployed, as the service would: the shipped
// file passes; an admin's mistake is one JSON line with the code, rule, field and line, exit 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const run = promisify(execFile);

async function checkRules(...files: string[]): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const out = await run(process.execPath, ['services/alert-service/check-rules-main.ts', ...files]).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return {
    code: out.code,
    lines: out.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('check-rules', () => {
  it('warns of a recovery told by its id only: accepted, but a rename would change what it does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-check-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const byName = join(dir, 'acme.yaml');
    const shipped = readFileSync('config/alert-rules.yaml', 'utf8');
    writeFileSync(byName, shipped.replace('    endsEarlierAlerts: true\n', ''));
    const got = await checkRules('--tenant', 'acme', byName);
    expect(got.code).toBe(0);
    expect(got.lines[0]).toMatchObject({ ok: true, tenant: 'acme' });
    expect(got.lines[0]!.warnings).toEqual([
      expect.stringMatching(/rule "customer-recovered" is read as a recovery .*add endsEarlierAlerts: true/),
    ]);
  });

  it('accepts the shipped rules and names what is wrong in a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-check-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'version: 1\nrules:\n  - id: loud\n    name: Loud\n    subject: customer\n    when: { metric: arousal, gte: 7 }\n    audience: both\n    severity: warning\n    message: loud\n',
    );
    const good = await checkRules('config/alert-rules.yaml');
    expect(good.code).toBe(0);
    expect(good.lines[0]).toMatchObject({ ok: true, version: '1' });
    expect(good.lines[0]!.rules).toContain('customer-frustration');
    expect(good.lines[0]!.warnings).toBeUndefined();

    const both = await checkRules('config/alert-rules.yaml', bad, join(dir, 'missing.yaml'));
    expect(both.code).toBe(2);
    expect(both.lines.map((l) => l.ok)).toEqual([true, false, false]);
    expect(both.lines[1]).toMatchObject({ code: 'RULE_INVALID' });
    expect(both.lines[1]!.error).toMatch(/rule "loud" field when\.gte: .*out of range.*\(line 6\)/);
    expect(both.lines[2]!.error).toMatch(/cannot read file .*missing\.yaml.*ENOENT/);
  });

  it('judges a tenant file as the service would, the tenant from a flag or the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-check-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const acme = join(dir, 'acme.yaml');
    writeFileSync(acme, 'version: 2\nrules:\n  - { id: long-silence, enabled: false }\n');
    const other = join(dir, 'globex.yaml');
    writeFileSync(
      other,
      'version: 1\nrules:\n  - id: x\n    name: X\n    subject: customer\n    when: { state: [angry] }\n    tenants: [acme]\n    audience: both\n    severity: info\n    message: m\n',
    );
    const byName = await checkRules('--tenant-files', acme, other, 'config/alert-rules.yaml');
    expect(byName.code).toBe(2);
    expect(byName.lines[0]).toMatchObject({
      ok: true,
      tenant: 'acme',
      rules: [],
      switchedOff: ['long-silence'],
    });
    expect(byName.lines[1]).toMatchObject({ ok: false, code: 'RULE_INVALID' });
    expect(byName.lines[1]!.error).toMatch(
      /field tenants: the file of tenant "globex" may name only "globex".*\(line 7\)/,
    );
    // The global file, named alert-rules.yaml, is a valid tenant name: judged as that tenant's.
    expect(byName.lines[2]).toMatchObject({ ok: true, tenant: 'alert-rules' });

    const flagged = await checkRules('--tenant', 'acme', other);
    expect(flagged).toMatchObject({ code: 0, lines: [{ ok: true, tenant: 'acme', rules: ['x'] }] });
    // The service would read globex.yaml as globex's (and refuse its `tenants: [acme]`): said.
    expect(flagged.lines[0]!.warning).toMatch(/judged as acme's; .* reads globex\.yaml as globex's/);
    // A switch-off of an id the global file lacks (a typo) is named, as the service warns of it.
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'version: 1\nrules:\n  - { id: long-silnce, enabled: false }\n');
    const matched = await checkRules('--tenant', 'typo', '--global', 'config/alert-rules.yaml', typo, acme);
    expect(matched.lines.map((l) => l.unmatchedSwitchOffs)).toEqual([['long-silnce'], []]);
    const noGlobal = await checkRules('--tenant', 'acme', '--global', join(dir, 'none.yaml'), acme);
    expect(noGlobal).toMatchObject({ code: 2, lines: [{ ok: false, code: 'CONFIG_INVALID' }] });
    // A hidden file is an editor's or a sync tool's copy, nobody's rules.
    expect((await checkRules('--tenant-files', join(dir, '.acme.yaml'))).lines[0]).toMatchObject({
      code: 'TENANT_FILE_NAME',
    });
    const badName = await checkRules('--tenant-files', join(dir, 'acme.yml'));
    expect(badName.lines[0]).toMatchObject({ ok: false, code: 'TENANT_FILE_NAME' });
    // The shorthand switch-off is a tenant file's only.
    expect((await checkRules(acme)).lines[0]).toMatchObject({ ok: false, code: 'RULE_INVALID' });
  });
});
