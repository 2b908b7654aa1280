// A gRPC client for va.ingest.v1.Ingest/StreamCall: opens one call stream with a bearer token,
// writes messages honouring the stream's flow control, collects acks and the final status.
// Used by the simulator, the tests and the benchmark. I/O: a gRPC channel.
import * as grpc from '@grpc/grpc-js';
import { grpcServices } from '../shared/grpc-protos.ts';

export interface IngestAck {
  callId: string;
  state: string;
  framesAccepted: number;
  gaps: number;
  framesMissing: number;
}

export interface CallResult {
  /** gRPC status code (0 = OK) and details of the stream's end. */
  code: number;
  details: string;
  acks: IngestAck[];
  /** The gateway's `grpc-retry-pushback-ms` trailer (UNAVAILABLE while its broker is down), if sent. */
  retryPushbackMs: number | null;
}

export interface CallStartMessage {
  callId?: string;
  tenant?: string;
  agentId?: string;
  queue?: string;
  team?: string;
  customerRef?: string;
  startTimeMs?: number;
  codec: 'CODEC_LINEAR16' | 'CODEC_PCMU' | 'CODEC_PCMA' | string;
  sampleRateHz: number;
  channels?: string[];
  consent?: { analytics: boolean; storeFeatures: boolean; historyOptOut?: boolean };
  interleaved?: boolean;
  /** The call this one continues (a transfer given a new call id). */
  previousCallId?: string;
}

export interface FrameMessage {
  channel: 'CHANNEL_AGENT' | 'CHANNEL_CUSTOMER' | string;
  sequence: number;
  audioTimeMs: number;
  payload: Uint8Array;
}

/** The call's whole consent from now on (va.ingest.v1.ConsentChange): only narrower. */
export interface ConsentChangeMessage {
  consent: NonNullable<CallStartMessage['consent']>;
}

export type CallAudioMessage =
  | { start: CallStartMessage }
  | { frame: FrameMessage }
  | { end: { reason: string } }
  | { hold: { onHold: boolean } }
  | { consentChange: ConsentChangeMessage };

export interface CallStream {
  /** Resolves when the message is handed to the transport (waits on flow control). */
  write(message: CallAudioMessage): Promise<void>;
  /** Half-closes and waits for the final status. */
  finish(): Promise<CallResult>;
  /** Resolves with the final status whenever the stream ends (e.g. rejected early). */
  readonly result: Promise<CallResult>;
  readonly acks: IngestAck[];
  cancel(): void;
}

export function createIngestClient(
  target: string,
  options: { rootCert?: Buffer; tls?: boolean } = {},
): grpc.Client & {
  StreamCall(metadata: grpc.Metadata): grpc.ClientDuplexStream<CallAudioMessage, IngestAck>;
} {
  const credentials =
    options.tls || options.rootCert
      ? grpc.credentials.createSsl(options.rootCert ?? null)
      : grpc.credentials.createInsecure();
  const { Ingest } = grpcServices();
  return new Ingest(target, credentials) as never;
}

export function openCallStream(
  client: ReturnType<typeof createIngestClient>,
  token: string | null,
): CallStream {
  const metadata = new grpc.Metadata();
  if (token !== null) metadata.set('authorization', `Bearer ${token}`);
  const stream = client.StreamCall(metadata);
  const acks: IngestAck[] = [];
  let ended = false;
  stream.on('data', (ack: IngestAck) => acks.push(ack));
  const result = new Promise<CallResult>((resolve) => {
    stream.on('status', (status: grpc.StatusObject) => {
      ended = true;
      const pushback = status.metadata?.get('grpc-retry-pushback-ms')[0];
      resolve({
        code: status.code,
        details: status.details,
        acks,
        retryPushbackMs: pushback === undefined ? null : Number(pushback),
      });
    });
    // Errors also arrive as a status; swallow the duplicate 'error' event.
    stream.on('error', () => undefined);
  });
  return {
    acks,
    result,
    cancel: () => stream.cancel(),
    write(message) {
      if (ended) return Promise.resolve();
      return new Promise((resolve) => {
        if (stream.write(message)) resolve();
        else {
          stream.once('drain', () => resolve());
          void result.then(() => resolve());
        }
      });
    },
    finish() {
      if (!ended) stream.end();
      return result;
    },
  };
}
