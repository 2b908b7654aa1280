// A free loopback TCP port for a server a test, bench or the demo starts: the one implementation,
// which lives beside the Kafka launcher that needs it first (kafka/local-broker.ts); everything else
// imports it from here, so a port picker is never tied to Kafka by its import path. I/O: a socket.
export { freePort } from './kafka/local-broker.ts';
