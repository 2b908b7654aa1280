// The gateway's certificate follows its files: a renewed pair replaces the one served, a pair
// that does not load (a key of another certificate: a renewal caught half-written) is reported
// and the pair in use kept.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { publishedPairProblems } from '../../../../services/ingest-gateway/config.ts';
import { watchTlsIdentity, type TlsPair } from '../../../../services/ingest-gateway/tls-identity.ts';
import { selfSignedTlsPair } from '../../../support/tls-pair.ts';

const FIXTURES = join(import.meta.dirname, '../../../int/ingest/fixtures');
const read = (name: string) => readFileSync(join(FIXTURES, name));

describe('watchTlsIdentity', () => {
  it('takes a renewed pair, and keeps the pair in use when the new files do not make one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-tls-unit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    const replace = (from: string, to: string) => {
      copyFileSync(join(FIXTURES, from), `${to}.new`);
      renameSync(`${to}.new`, to);
    };
    replace('test-tls.crt', files.certFile);
    replace('test-tls.key', files.keyFile);
    const problems: string[] = [];
    const changes: TlsPair[] = [];
    const identity = watchTlsIdentity(
      files,
      { certChain: read('test-tls.crt'), privateKey: read('test-tls.key') },
      {
        intervalMs: 20,
        onProblem: (p) => problems.push(p),
      },
    );
    onTestFinished(() => identity.stop());
    identity.onChange((pair) => changes.push(pair));

    // Half a renewal: the new key beside the old certificate.
    replace('test-tls-renewed.key', files.keyFile);
    await expect.poll(() => problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(
      /renewed TLS files not used \(TLS_KEY_FILE: not the private key of TLS_CERT_FILE's certificate\)/,
    );
    expect(identity.current().privateKey).toEqual(read('test-tls.key'));
    expect(changes).toEqual([]);

    // A chain cut short (a renewal caught mid-write): the first certificate parses and matches the
    // key, but OpenSSL refuses the file. Kept out, and no crash (it threw out of the timer).
    const cut = Buffer.concat([read('test-tls-renewed.crt'), read('test-tls.crt').subarray(0, 200)]);
    writeFileSync(`${files.certFile}.new`, cut);
    renameSync(`${files.certFile}.new`, files.certFile);
    await expect.poll(() => problems.some((p) => /OpenSSL refuses the certificate chain/.test(p))).toBe(true);
    expect(changes).toEqual([]);

    replace('test-tls-renewed.crt', files.certFile);
    await expect.poll(() => changes.length).toBe(1);
    expect(identity.current()).toEqual({
      certChain: read('test-tls-renewed.crt'),
      privateKey: read('test-tls-renewed.key'),
    });
    expect(identity.notAfterMs()).toBeGreaterThan(Date.now());
  });

  it('in production, keeps its pair when the files are renewed to the published test pair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-tls-unit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    const own = selfSignedTlsPair();
    writeFileSync(files.certFile, own.cert);
    writeFileSync(files.keyFile, own.key);
    const problems: string[] = [];
    const identity = watchTlsIdentity(
      files,
      { certChain: Buffer.from(own.cert), privateKey: Buffer.from(own.key) },
      { intervalMs: 20, onProblem: (p) => problems.push(p), refuse: publishedPairProblems },
    );
    onTestFinished(() => identity.stop());
    // A Secret overwritten with the repository's pair: the gateway switched to it, unsaid.
    copyFileSync(join(FIXTURES, 'test-tls.key'), files.keyFile);
    copyFileSync(join(FIXTURES, 'test-tls.crt'), files.certFile);
    await expect.poll(() => problems.some((p) => /published test pair/.test(p))).toBe(true);
    expect(identity.current().certChain.toString()).toBe(own.cert);
  });
});
