// `npm run pseudonym`: the pseudonym of each reference on stdin is the one the gateway stores (so
// an erasure request finds the customer's calls), one line out per line in, and a tenant without
// a key is refused in one line.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pseudonymiseCustomerRef } from '../../../../services/ingest-gateway/customer-ref.ts';

const SCRIPT = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'services',
  'ingest-gateway',
  'pseudonym-main.ts',
);
const KEY = 'pseudonym-cli-test-key-0123456789abcdef';

const run = (input: string, env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('npm run pseudonym', () => {
  it("prints the gateway's pseudonym of each line, in order, an empty line empty", () => {
    const refs = ['+48600111222', '', '0048600111222', ' crm-7 '];
    const r = run(
      refs.join('\n') + '\n',
      { CUSTOMER_REF_KEYS: `acme=${KEY}`, VA_MODE: 'production' },
      '--tenant',
      'acme',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(
      refs.map((ref) => pseudonymiseCustomerRef(KEY, 'acme', ref)),
    );
  });

  it('refuses a tenant without a key in production, and no --tenant, in one line (exit 2)', () => {
    const noKey = run('x\n', { CUSTOMER_REF_KEYS: `acme=${KEY}`, VA_MODE: 'production' }, '--tenant', 'beta');
    expect([noKey.status, noKey.stderr.split('\n')[0]]).toEqual([
      2,
      'pseudonym: USAGE: CUSTOMER_REF_KEYS: no key for tenant beta',
    ]);
    expect(noKey.stdout).toBe('');
    expect(run('x\n', {}).stderr.split('\n')[0]).toBe('pseudonym: USAGE: --tenant is required');
    // Outside production too, once keys are set: a mistyped tenant would get the development key.
    const typo = run(
      'x\n',
      { CUSTOMER_REF_KEYS: `acme=${KEY}`, VA_MODE: 'development' },
      '--tenant',
      'acmee',
    );
    expect([typo.status, typo.stdout]).toEqual([2, '']);
  });

  it('does not hash the byte-order mark of a file saved by a spreadsheet', () => {
    const r = run(
      '\uFEFF+48600111222\r\n+48600111223',
      { CUSTOMER_REF_KEYS: `acme=${KEY}` },
      '--tenant',
      'acme',
    );
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(
      ['+48600111222', '+48600111223'].map((ref) => pseudonymiseCustomerRef(KEY, 'acme', ref)),
    );
  });
});

describe('npm run pseudonym during a key rotation', () => {
  const PREVIOUS = 'pseudonym-cli-previous-key-0123456789ab';
  const env = { CUSTOMER_REF_KEYS: `acme=${KEY}\nacme:previous=${PREVIOUS}`, VA_MODE: 'production' };

  it('prints the current key pseudonym, and with --previous the previous key one', () => {
    const current = run('crm-7\n', env, '--tenant', 'acme');
    expect([current.status, current.stdout]).toEqual([
      0,
      `${pseudonymiseCustomerRef(KEY, 'acme', 'crm-7')}\n`,
    ]);
    const old = run('crm-7\n', env, '--tenant', 'acme', '--previous');
    expect([old.status, old.stdout]).toEqual([0, `${pseudonymiseCustomerRef(PREVIOUS, 'acme', 'crm-7')}\n`]);
  });

  it('refuses --previous for a tenant that is not rotating (exit 2)', () => {
    const r = run(
      'x\n',
      { CUSTOMER_REF_KEYS: `acme=${KEY}`, VA_MODE: 'production' },
      '--tenant',
      'acme',
      '--previous',
    );
    expect([r.status, r.stdout, r.stderr.split('\n')[0]]).toEqual([
      2,
      '',
      'pseudonym: USAGE: CUSTOMER_REF_KEYS: no previous key for tenant acme',
    ]);
  });
});
