// gRPC service definitions of the product (va.ingest.v1.Ingest and the standard
// grpc.health.v1.Health) loaded with @grpc/proto-loader from proto/, once per process.
// Messages decode with camelCase fields, enums as their proto names, int64 as numbers.
// I/O: reads the .proto files on first use.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from './proto-root.ts';

export interface GrpcServices {
  Ingest: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

let cached: GrpcServices | undefined;

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export function grpcServices(): GrpcServices {
  if (cached) return cached;
  const definition = protoLoader.loadSync(
    ['va/ingest/v1/ingest.proto', 'grpc/health/v1/health.proto'],
    PROTO_LOADER_OPTIONS,
  );
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    va: { ingest: { v1: { Ingest: grpc.ServiceClientConstructor } } };
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  cached = { Ingest: loaded.va.ingest.v1.Ingest, Health: loaded.grpc.health.v1.Health };
  return cached;
}
