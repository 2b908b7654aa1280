// `npm run pseudonym -- --tenant T < refs.txt`: the pseudonym the gateway gives each customer
// reference (customer-ref.ts), one per line of stdin, printed one per line in the same order: what
// an erasure request (`DELETE /customers/{pseudonym}`) or a customer page needs, since the store
// and the API hold only pseudonyms. Run it where the gateway's key is (its CUSTOMER_REF_KEYS or
// CUSTOMER_REF_KEYS_FILE); references come on stdin, not the command line (shell history, `ps`).
// A reference is hashed exactly as the platform sent it: `+48600111222` and `0048600111222` are two
// pseudonyms, so ask for every format your platform has sent. During a key rotation, `--previous`
// prints the pseudonyms under the tenant's previous key (`tenant:previous=…`): a customer who has
// not called since the rotation began is still stored under that one (SECURITY.md). Exit 2 on a
// usage or key problem. I/O: stdin, stdout, the key file.
import { createInterface } from 'node:readline';
import { parseCli, usageExit } from '../shared/cli-args.ts';
import { readConfigFile } from '../shared/config.ts';
import { runModeOf } from '../shared/run-mode.ts';
import { DEVELOPMENT_CUSTOMER_REF_KEY, pseudonymiseCustomerRef } from './customer-ref.ts';
import { parseCustomerRefKeys, type CustomerRefKeys } from './customer-ref-keys.ts';

const NAME = 'pseudonym';
const USAGE = `usage: npm run -s pseudonym -- --tenant <tenant> [--previous] < references.txt
  Prints the pseudonym of each customer reference read from stdin (one per line), as the ingest
  gateway makes it with the tenant's key (CUSTOMER_REF_KEYS or CUSTOMER_REF_KEYS_FILE); with
  --previous, with the tenant's previous key during a key rotation (tenant:previous=key).`;

const cli = parseCli(NAME, USAGE, {
  options: { tenant: { type: 'string' }, previous: { type: 'boolean' } },
  allowPositionals: false,
});
const tenant = cli.values.tenant ?? usageExit(NAME, USAGE, '--tenant is required');
const previous = cli.values.previous === true;

function tenantKey(): string {
  const { CUSTOMER_REF_KEYS: inline, CUSTOMER_REF_KEYS_FILE: file } = process.env;
  if (inline && file) usageExit(NAME, USAGE, 'CUSTOMER_REF_KEYS, CUSTOMER_REF_KEYS_FILE: set one, not both');
  const variable = file ? 'CUSTOMER_REF_KEYS_FILE' : 'CUSTOMER_REF_KEYS';
  let keys: Map<string, CustomerRefKeys>;
  try {
    const text = file ? readConfigFile(variable, file) : inline;
    keys = text ? parseCustomerRefKeys(text, variable) : new Map();
  } catch (error) {
    return usageExit(NAME, USAGE, (error as Error).message);
  }
  const own = keys.get(tenant);
  if (own && previous)
    return own.previous ?? usageExit(NAME, USAGE, `${variable}: no previous key for tenant ${tenant}`);
  if (own) return own.current;
  if (previous) return usageExit(NAME, USAGE, `${variable}: no previous key for tenant ${tenant}`);
  // The gateway's own fallback, for development without any key: then every tenant uses the
  // published one. With keys set, a tenant without one is a typo (a pseudonym that matches nothing).
  if (runModeOf() !== 'production' && keys.size === 0) return DEVELOPMENT_CUSTOMER_REF_KEY;
  return usageExit(NAME, USAGE, `${variable}: no key for tenant ${tenant}`);
}

const key = tenantKey();
let first = true;
for await (const read of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  // A byte-order mark (a file saved by a spreadsheet) is not part of the first reference.
  const line = first ? read.replace(/^\uFEFF/, '') : read;
  first = false;
  // As sent, not trimmed (the gateway hashes the field as it came); one line out per line in, so
  // the output pairs with the input: an empty line stays empty.
  process.stdout.write(`${pseudonymiseCustomerRef(key, tenant, line)}\n`);
}
