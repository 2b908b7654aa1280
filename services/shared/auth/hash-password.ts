// Prints the scrypt hash (N=2^17, r=8, p=1: users.ts SCRYPT_PARAMS) of a password for a users file
// (SECURITY.md, "Users file"): `sh scripts/node24.sh services/shared/auth/hash-password.ts`. At a
// terminal it asks twice without echoing what is typed; otherwise it reads the password from
// stdin (`… < file`). Never from an argument, so it lands in no shell history. I/O: stdin, stdout.
import { hashPassword } from './users.ts';

const USAGE =
  'usage: sh scripts/node24.sh services/shared/auth/hash-password.ts  (asks at a terminal; else reads stdin)';

/** One line typed at the terminal, not echoed (raw mode: each key handled here). */
function askHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') process.exit(130); // Ctrl-C
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('password: ');
    if (first !== (await askHidden('again: '))) {
      console.error('hash-password: MISMATCH: the two passwords differ');
      process.exit(2);
    }
    return first;
  }
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  return input.replace(/\r?\n$/, '');
}

if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  console.log(USAGE);
  process.exit(0);
}
if (process.argv.length > 2) {
  console.error(
    `hash-password: USAGE: no arguments (a password there would land in the shell history)\n${USAGE}`,
  );
  process.exit(2);
}
const password = await readPassword();
if (!password) {
  console.error(`hash-password: EMPTY: no password given\n${USAGE}`);
  process.exit(2);
}
console.log(await hashPassword(password));
