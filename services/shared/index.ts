// Public entry of the shared service plumbing: import from 'services/shared/index.ts'.
// Re-exports only; see each module's header for what it does.
export * from './codec.ts';
export * from './config.ts';
export * from './consumer-runner.ts';
export * from './dead-letter.ts';
export * from './grpc-protos.ts';
export * from './http-server.ts';
export * from './kafka-client.ts';
export * from './logger.ts';
export * from './mapping.ts';
export * from './metrics.ts';
export * from './producer.ts';
export * from './proto-root.ts';
export * from './records.ts';
export * from './service-base.ts';
export * from './shutdown.ts';
export * from './topics.ts';
