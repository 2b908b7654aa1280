// A customer pseudonym of the gateway's shape (`cref1_` + 43 base64url characters) named after a
// test's customer: the services past the gateway take any other reference for no customer.
import { createHash } from 'node:crypto';

export const pseudonymOf = (name: string): string =>
  `cref1_${createHash('sha256').update(name).digest('base64url')}`;
