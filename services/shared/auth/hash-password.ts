// Prints the scrypt hash (N=2^17, r=8, p=1: users.ts SCRYPT_PARAMS) of a password for a users file:
// `sh scripts/node24.sh services/shared/auth/hash-password.ts` (reads the password from stdin,
// so it never lands in the shell history). I/O: stdin, stdout.
import { hashPassword } from './users.ts';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const password = input.replace(/\r?\n$/, '');
if (!password) {
  console.error('usage: echo -n PASSWORD | node hash-password.ts');
  process.exit(2);
}
console.log(await hashPassword(password));
