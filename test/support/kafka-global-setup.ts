// Vitest global setup for integration tests: one real Kafka broker for the whole run, found by
// devkit/kafka/find-broker.ts and handed to the tests through `inject('kafkaBrokers')`.
import type { TestProject } from 'vitest/node';
import { findBroker, type FoundBroker } from '../../devkit/kafka/find-broker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    kafkaVersion: string;
    kafkaSource: string;
  }
}

let broker: FoundBroker | undefined;

export async function setup(project: TestProject): Promise<void> {
  broker = await findBroker();
  console.log(
    `[kafka] ${broker.source} broker ${broker.brokers.join(',')} version ${broker.version} ready in ${broker.startMs} ms`,
  );
  project.provide('kafkaBrokers', broker.brokers);
  project.provide('kafkaVersion', broker.version);
  project.provide('kafkaSource', broker.source);
}

export async function teardown(): Promise<void> {
  await broker?.stop();
}
