// The slicing-by-8 CRC-32C swapped into kafkajs: the standard check value, the same result as
// kafkajs's own byte-wise implementation on random data of every length, and installed.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import '../../../../services/shared/kafka-client.ts';
import { crc32c } from '../../../../services/shared/kafka-crc32c.ts';

const require = createRequire(import.meta.url);

describe('kafka crc32c', () => {
  it('gives the CRC-32C check value and matches kafkajs byte for byte', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const reference = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (
      b: Uint8Array,
    ) => number;
    let seed = 7;
    for (let length = 0; length < 300; length += 1) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      // Unaligned views too: kafkajs passes slices of larger buffers.
      expect(crc32c(bytes.subarray(length % 3))).toBe(reference(bytes.subarray(length % 3)));
    }
  });

  it('is what kafkajs uses once the Kafka client module is loaded', () => {
    expect(require('kafkajs/src/protocol/recordBatch/crc32C/index.js')).toBe(crc32c);
  });
});
