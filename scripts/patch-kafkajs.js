// npm postinstall (and the Docker image's deps stage): patches kafkajs 2.2.4's RequestQueue so an
// idle connection stops re-arming a timer every millisecond. Upstream tulios/kafkajs#1704 (the loop)
// and #1751 (Node 24 prints TimeoutNegativeWarning for its negative delay) are open, and 2.2.4 is
// the last release; the fix is the one proposed in PR #1768's review: with nothing pending and no
// throttle, schedule nothing (the next push() schedules again). Plain JavaScript: it runs under
// whatever Node npm uses. Idempotent; fails loudly when kafkajs is not the exact file it knows.
// I/O: reads and rewrites node_modules/kafkajs/src/network/requestQueue/index.js.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
/* global console */

const EXPECTED_VERSION = '2.2.4';
/** sha256 of the file as kafkajs 2.2.4 ships it, and as this script leaves it. */
const PRISTINE_SHA256 = 'b55986089c14f8f7bfc377922e2e65b3e4c1e7c7af2752d3b10a75dfe9e9260c';
export const PATCH_MARKER = 'voice-analytics patch: kafkajs#1704';

const ORIGINAL = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`;
const PATCHED = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        // ${PATCH_MARKER} / #1751: nothing pending and not throttled, so nothing to
        // check; re-arming here (with a negative delay) spun a 1 ms loop on every idle connection.
        return
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The kafkajs the project's code loads, found as Node finds it from the project's root (a
 * node_modules above it too, as a workspace hoists it); its own node_modules when none resolves, so
 * the state says "missing". Looking only beside scripts/ warned about a patched kafkajs installed
 * higher up and could not patch it.
 */
function kafkajsDir() {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('kafkajs/package.json'));
  } catch {
    return join(root, 'node_modules', 'kafkajs');
  }
}

export const KAFKAJS_DIR = kafkajsDir();
const TARGET = join(KAFKAJS_DIR, 'src', 'network', 'requestQueue', 'index.js');

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** 'patched', 'pristine' or a sentence saying why the file is neither. */
export function patchState() {
  if (!existsSync(TARGET)) return `${TARGET} is missing (is kafkajs installed?)`;
  const version = JSON.parse(readFileSync(join(KAFKAJS_DIR, 'package.json'), 'utf8')).version;
  if (version !== EXPECTED_VERSION) {
    return `kafkajs is ${version}, this patch is for ${EXPECTED_VERSION}: check whether ${version} fixes tulios/kafkajs#1704, then update or drop scripts/patch-kafkajs.js`;
  }
  const text = readFileSync(TARGET, 'utf8');
  if (sha256(text) === PRISTINE_SHA256) return 'pristine';
  if (sha256(text.replace(PATCHED, ORIGINAL)) === PRISTINE_SHA256) return 'patched';
  return `${TARGET} differs from kafkajs ${EXPECTED_VERSION} as published (sha256 ${sha256(text)})`;
}

/** `--revert` puts the published file back: for measuring before and after (scripts/measure-idle-cpu.ts). */
function revert() {
  if (patchState() !== 'patched') return;
  writeFileSync(TARGET, readFileSync(TARGET, 'utf8').replace(PATCHED, ORIGINAL));
  console.log(`patch-kafkajs: reverted to kafkajs ${EXPECTED_VERSION} as published`);
}

function main() {
  if (process.argv.includes('--revert')) return revert();
  const state = patchState();
  if (state === 'patched') return;
  if (state !== 'pristine') {
    console.error(`patch-kafkajs: cannot patch: ${state}`);
    process.exit(1);
  }
  writeFileSync(TARGET, readFileSync(TARGET, 'utf8').replace(ORIGINAL, PATCHED));
  if (patchState() !== 'patched') {
    console.error('patch-kafkajs: the patched file does not verify');
    process.exit(1);
  }
  console.log(`patch-kafkajs: patched kafkajs ${EXPECTED_VERSION} RequestQueue (tulios/kafkajs#1704, #1751)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
