// The same audio an adapter test streamed, sent once more through the gateway's own gRPC protocol
// (the reference every adapter must match): CallStart, the given frames in order, CallEnd
// "hangup". I/O: a gRPC stream to the gateway.
import {
  createIngestClient,
  openCallStream,
  type CallStartMessage,
  type FrameMessage,
} from '../../../services/simulator/ingest-client.ts';

/** Streams one call over gRPC; resolves with the final status code (0 = OK). */
export async function sendGrpcTwin(
  grpcPort: number,
  token: string,
  start: CallStartMessage,
  frames: Iterable<Omit<FrameMessage, 'audioTimeMs'> & { audioTimeMs?: number }>,
  frameMs = 20,
): Promise<number> {
  const client = createIngestClient(`127.0.0.1:${grpcPort}`);
  try {
    const stream = openCallStream(client, token);
    await stream.write({ start });
    for (const frame of frames)
      await stream.write({ frame: { audioTimeMs: frame.sequence * frameMs, ...frame } });
    await stream.write({ end: { reason: 'hangup' } });
    return (await stream.finish()).code;
  } finally {
    client.close();
  }
}
