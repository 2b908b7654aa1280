// Prints the scrypt hash of a password for the demo users file:
// `sh scripts/node24.sh services/alert-service/hash-password.ts` (reads the password from stdin,
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
