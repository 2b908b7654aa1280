// bench:ingest --protocol grpc: the call simulator (main.ts) on the gateway's own gRPC protocol,
// one interleaved stereo µ-law frame per 20 ms. The reference the adapters are compared with.
import { spawnLoadClient, type BenchProtocolFactory } from './protocol.ts';

export const grpcProtocol: BenchProtocolFactory = async () => ({
  gatewayEnv: {},
  startClient: (run) =>
    spawnLoadClient('main.ts', run, ['--target', `127.0.0.1:${run.grpcPort}`], { INGEST_TOKEN: run.token }),
});
