// Simulator audio: stereo WAV -> agent left / customer right, mono -> customer with a silent
// agent, and conversion to the call's codec and rate.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../../pipelines/audio/wav.ts';
import { encodeCallAudio, loadCallAudio, syntheticCallAudio } from '../../../../devkit/audio/call-audio.ts';
import { NEMO_CALLS_DIR } from '../../../support/nemo-calls.ts';

const dir = mkdtempSync(join(tmpdir(), 'va-call-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (hz: number, rate: number, seconds: number) =>
  Float32Array.from({ length: rate * seconds }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate));

describe('simulator call audio', () => {
  it('reads a folder of WAVs: stereo as agent/customer, mono as the customer alone', () => {
    writeFileSync(
      join(dir, 'a-stereo.wav'),
      encodeWav({ sampleRateHz: 16000, channels: [tone(200, 16000, 1), tone(400, 16000, 1)] }),
    );
    writeFileSync(
      join(dir, 'b-mono.wav'),
      encodeWav({ sampleRateHz: 22050, channels: [tone(300, 22050, 1)] }),
    );
    const [stereo, mono] = loadCallAudio(dir);
    expect(stereo.agent[100]).toBeCloseTo(tone(200, 16000, 1)[100], 3);
    expect(stereo.customer[100]).toBeCloseTo(tone(400, 16000, 1)[100], 3);
    expect(mono.sampleRateHz).toBe(22050);
    expect(mono.agent.every((x) => x === 0)).toBe(true);
    expect(mono.customer.length).toBe(22050);
  });

  it('encodes to the telephone band at 8 kHz or to 16 kHz LINEAR16', () => {
    const source = syntheticCallAudio(2, 1);
    const pcmu = encodeCallAudio(source, 'pcmu', 8000);
    expect([pcmu.agent.length, pcmu.customer.length, pcmu.durationMs]).toEqual([16000, 16000, 2000]);
    const wide = encodeCallAudio(source, 'linear16', 16000);
    expect([wide.agent.length, wide.durationMs]).toEqual([64000, 2000]);
  });

  it('sends a shipped 8 kHz µ-law call byte for byte as recorded (no second band-pass)', () => {
    const file = readFileSync(join(NEMO_CALLS_DIR, 'call-1-calm.wav'));
    const [call] = loadCallAudio(join(NEMO_CALLS_DIR, 'call-1-calm.wav'));
    const sent = encodeCallAudio(call, 'pcmu', 8000);
    // WAVE data chunk of a stereo 8-bit file: left, right, left, right, … µ-law has two codes for
    // silence (0x7F, 0xFF, both 0): the encoder writes 0xFF, the same sample.
    const data = file.subarray(file.indexOf('data') + 8);
    const channel = (offset: number): Buffer =>
      Buffer.from(
        Uint8Array.from({ length: 4000 }, (_, i) =>
          data[2 * i + offset] === 0x7f ? 0xff : data[2 * i + offset],
        ),
      );
    expect(Buffer.from(sent.agent.subarray(0, 4000))).toEqual(channel(0));
    expect(Buffer.from(sent.customer.subarray(0, 4000))).toEqual(channel(1));
  });
});
