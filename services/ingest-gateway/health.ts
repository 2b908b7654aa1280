// The standard gRPC health service (grpc.health.v1.Health): Check and Watch for the overall
// server ("") and va.ingest.v1.Ingest. I/O: answers gRPC calls.
import * as grpc from '@grpc/grpc-js';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export const INGEST_SERVICE_NAME = 'va.ingest.v1.Ingest';

export interface HealthService {
  readonly implementation: grpc.UntypedServiceImplementation;
  set(status: ServingStatus): void;
  get(): ServingStatus;
}

type Request = { service: string };
type Response = { status: ServingStatus | 'SERVICE_UNKNOWN' };

export function createHealthService(initial: ServingStatus = 'NOT_SERVING'): HealthService {
  let status = initial;
  const watchers = new Set<(status: ServingStatus) => void>();
  const known = (service: string): boolean => service === '' || service === INGEST_SERVICE_NAME;
  return {
    get: () => status,
    set(next) {
      if (next === status) return;
      status = next;
      for (const watcher of watchers) watcher(next);
    },
    implementation: {
      Check(call: grpc.ServerUnaryCall<Request, Response>, callback: grpc.sendUnaryData<Response>) {
        if (!known(call.request.service)) {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
          return;
        }
        callback(null, { status });
      },
      Watch(call: grpc.ServerWritableStream<Request, Response>) {
        if (!known(call.request.service)) {
          call.write({ status: 'SERVICE_UNKNOWN' });
          return;
        }
        const watcher = (next: ServingStatus): void => void call.write({ status: next });
        watchers.add(watcher);
        call.write({ status });
        call.on('cancelled', () => watchers.delete(watcher));
      },
    },
  };
}
