// `npm run broker`: a Kafka broker for running the services by hand, outside compose, found the
// way the tests and the demo find one (devkit/kafka/find-broker.ts: a Docker engine's container,
// else the local Apache Kafka from Maven Central jars; with KAFKA_BROKERS set, nothing to start). Prints the KAFKA_BROKERS line to export, then
// holds the broker until Ctrl-C (or SIGTERM), when it is stopped and its data removed.
// Development only: a broker of one node keeps one copy of each topic.
import { findBroker } from '../devkit/kafka/find-broker.ts';
import { noArgs } from '../services/shared/cli-args.ts';

// --help answers without starting anything; any argument is refused (it started a broker).
noArgs(
  'broker',
  'usage: npm run broker   (starts a local Kafka broker, prints the KAFKA_BROKERS line to export, holds it until Ctrl-C)',
);

if (process.env.KAFKA_BROKERS) {
  // findBroker would hand back that cluster: there is nothing to start, hold or remove.
  process.stdout.write(
    `KAFKA_BROKERS is set (${process.env.KAFKA_BROKERS}): that broker is used; nothing started\n`,
  );
  process.exit(0);
}
const broker = await findBroker();
process.stdout.write(
  `Kafka ${broker.version} (${broker.source}) ready in ${broker.startMs} ms\n` +
    `export KAFKA_BROKERS=${broker.brokers.join(',')}\n` +
    'Ctrl-C stops it and removes its data.\n',
);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void broker.stop().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Held until a signal: an interval keeps the event loop alive.
setInterval(() => undefined, 1 << 30);
