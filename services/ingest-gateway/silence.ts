// Codec silence for gap fills, shared by every call: one block per codec, grown to the largest
// gap asked for and handed out as views. Gap sizes come from the client (frame size × missing
// frames), so a cache keyed by size grew without bound (41 MB for 6 000 sizes); this holds at
// most one block per codec, no larger than the largest allowed gap fill. Pure (module state).
import type { WireCodec } from '../shared/records.ts';

/** Silence byte of each codec: G.711 µ-law 0xFF, A-law 0xD5 (ITU-T G.711 tables), PCM 0. */
const SILENCE_BYTE: Record<WireCodec, number> = { pcmu: 0xff, pcma: 0xd5, linear16: 0x00 };
const blocks = new Map<WireCodec, Uint8Array>();

/** `bytes` of silence; a read-only view that callers copy (chunks are assembled by copying). */
export function silenceBlock(codec: WireCodec, bytes: number): Uint8Array {
  let block = blocks.get(codec);
  if (!block || block.byteLength < bytes) {
    // Grow by doubling so a slowly increasing gap size does not reallocate every time.
    block = new Uint8Array(Math.max(bytes, Math.min(2 * (block?.byteLength ?? 0), 1 << 24))).fill(
      SILENCE_BYTE[codec],
    );
    blocks.set(codec, block);
  }
  return block.subarray(0, bytes);
}

/** Bytes held by the silence blocks (tests, metrics). */
export function silenceBytesHeld(): number {
  let total = 0;
  for (const block of blocks.values()) total += block.byteLength;
  return total;
}
