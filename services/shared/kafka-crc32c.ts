// Faster CRC-32C for kafkajs: its record-batch checksum is a byte-at-a-time JS loop over every
// produced byte (5 % of the gateway's CPU at 200 calls); this slicing-by-8 version is swapped in
// through the CommonJS module cache before kafkajs loads. I/O: none (module cache only).
import { createRequire, Module } from 'node:module';

/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78 (RFC 3720 §B.4). */
const POLY = 0x82f63b78;
/** Slicing-by-8 tables (Intel, "A systematic approach to building high performance
 * software-based CRC generators", Kounavis & Berry 2005): table k = CRC of a byte followed by k zero bytes. */
const T = new Int32Array(8 * 256);
for (let n = 0; n < 256; n += 1) {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n += 1) {
  for (let k = 1; k < 8; k += 1)
    T[k * 256 + n] = (T[(k - 1) * 256 + n] >>> 8) ^ T[T[(k - 1) * 256 + n] & 0xff];
}

/** Unsigned CRC-32C of the bytes (same result as kafkajs's recordBatch/crc32C). */
export function crc32c(bytes: Uint8Array): number {
  let crc = -1;
  let i = 0;
  const end8 = bytes.length - (bytes.length & 7);
  while (i < end8) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    crc =
      T[1792 + (a & 0xff)] ^
      T[1536 + ((a >>> 8) & 0xff)] ^
      T[1280 + ((a >>> 16) & 0xff)] ^
      T[1024 + (a >>> 24)] ^
      T[768 + bytes[i + 4]] ^
      T[512 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
    i += 8;
  }
  while (i < bytes.length) {
    crc = T[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    i += 1;
  }
  return (crc ^ -1) >>> 0;
}

/** The check value of CRC-32C for "123456789" (RFC 3720 §B.4 / the Rocksoft catalogue). */
const CHECK = 0xe3069283;

/**
 * Puts `crc32c` in the module cache under kafkajs's checksum module. Must run before kafkajs is
 * loaded (kafka-client.ts imports this first); returns false, changing nothing, when kafkajs's
 * layout differs or the module was already loaded.
 */
export function installKafkaCrc32c(): boolean {
  if (crc32c(new TextEncoder().encode('123456789')) !== CHECK) return false;
  const require = createRequire(import.meta.url);
  let filename: string;
  try {
    filename = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
  } catch {
    return false;
  }
  if (require.cache[filename] !== undefined) return false;
  const module = new Module(filename);
  module.filename = filename;
  module.exports = crc32c;
  module.loaded = true;
  require.cache[filename] = module;
  return true;
}

installKafkaCrc32c();
