// A client that streams a call as jambonz `listen` and FreeSWITCH mod_audio_fork do: WebSocket
// with their subprotocol (HTTP Basic auth on the upgrade when configured), one JSON text frame,
// then 20 ms binary frames of 16-bit little-endian PCM, channels interleaved; closes at hang-up.
// I/O: a WebSocket to the gateway.
import { decodeMuLaw, encodeLinear16 } from '../../../pipelines/dsp/index.ts';
import WebSocket from 'ws';

export interface Opened {
  ws: WebSocket;
  /** The upgrade's HTTP status when refused (no socket), else 101. */
  status: number;
  body: string;
  /** The close the server sent (or 1006 when the socket just dropped). */
  closed: Promise<{ code: number; reason: string }>;
}

export function basicAuth(source: string, secret: string): string {
  return `Basic ${Buffer.from(`${source}:${secret}`).toString('base64')}`;
}

export function openL16Socket(
  port: number,
  options: { protocol?: string | null; authorization?: string } = {},
): Promise<Opened> {
  const protocol = options.protocol === undefined ? 'audio.jambonz.org' : options.protocol;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/calls`, protocol === null ? [] : [protocol], {
    headers: options.authorization ? { authorization: options.authorization } : {},
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, status: 101, body: '', closed }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ ws, status: res.statusCode ?? 0, body, closed }));
    });
    setTimeout(() => reject(new Error('no upgrade answer')), 5_000).unref();
  });
}

/** Two µ-law channels as 16-bit little-endian PCM, interleaved sample by sample (first, second). */
export function interleavedL16(first: Uint8Array, second: Uint8Array): Buffer {
  const a = encodeLinear16(decodeMuLaw(first));
  const b = encodeLinear16(decodeMuLaw(second));
  const samples = Math.min(a.length, b.length) / 2;
  const out = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i += 1) {
    out[4 * i] = a[2 * i];
    out[4 * i + 1] = a[2 * i + 1];
    out[4 * i + 2] = b[2 * i];
    out[4 * i + 3] = b[2 * i + 1];
  }
  return out;
}

/**
 * Sends `pcm` in frames of `frameBytes`, awaiting each send. With `frameMs`, frame n leaves at
 * n × frameMs after the first, as the platforms send live audio; without, as fast as possible
 * (yielding to the loop every 50 frames).
 */
export async function sendFrames(
  ws: WebSocket,
  pcm: Buffer,
  frameBytes: number,
  frameMs?: number,
): Promise<number> {
  let frames = 0;
  const started = performance.now();
  for (let at = 0; at < pcm.byteLength; at += frameBytes) {
    if (frameMs !== undefined) {
      const wait = started + frames * frameMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await new Promise<void>((resolve, reject) =>
      ws.send(pcm.subarray(at, Math.min(at + frameBytes, pcm.byteLength)), { binary: true }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    frames += 1;
    if (frames % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return frames;
}
