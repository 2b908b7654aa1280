// kafkajs's own log lines, as one JSON line each on stderr, without what our handlers' errors may
// carry. kafkajs logs an error thrown by an eachBatch / eachMessage handler or a listener with its
// message and stack (`Error when calling eachBatch`, `Crash: Name: message`): a database error
// there can quote a record's values (agent ids, call ids). Those namespaces keep only the error's
// name; client-side errors (connections, brokers, metadata) keep kafkajs's message, which is ours
// to read. A broker's answer that kafkajs retries by itself (a group coordinator still loading at
// start, a leader election) is a warning, not an error: kafkajs logs every such response at error
// level, and an operator who learns to ignore error lines misses the real ones; if the retries run
// out, the failing call's own error is logged; a CreateTopics answer is the provisioning's to judge
// (provisioningAnswer). The same line is written at most every 10 s
// (log-throttle.ts: an outage wrote five a second). I/O: writes stderr.
import { createRequire } from 'node:module';
import { logLevel, type logCreator, type LogEntry } from 'kafkajs';
import { createLogThrottle } from './log-throttle.ts';

// kafkajs's protocol error table (kafkajs is pinned in package.json, patched by scripts/patch-kafkajs.js).
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  errorCodes: { type: string; message: string; retriable: boolean }[];
};
// Group membership answers kafkajs marks not retriable because its consumer handles them by
// rejoining the group (a rebalance: another instance joined or left): routine, not failures.
const REJOINED_BY_KAFKAJS = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']);
const RETRIED_BY_KAFKAJS = new Set(
  errorCodes.filter((e) => e.retriable || REJOINED_BY_KAFKAJS.has(e.type)).map((e) => e.message),
);
/** A consumer that crashed on these answers is restarted by kafkajs (not on the rejoin ones). */
const RESTARTED_BY_KAFKAJS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

/** Namespaces where kafkajs reports errors thrown by the product's own callbacks. */
const HANDLER_NAMESPACES = new Set(['Consumer', 'Runner']);
const SAFE_FIELDS = [
  'broker',
  'clientId',
  'groupId',
  'memberId',
  'topic',
  'partition',
  'offset',
  'retryCount',
  'retryTime',
  'groupGenerationId',
] as const;
const LEVEL: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** `Crash: TypeError: value "agent-7" …` → `Crash: TypeError`; other handler messages to their first clause. */
function handlerMessage(message: string): string {
  const crash = /^Crash: ([\w$.]+)/.exec(message);
  if (crash) return `Crash: ${crash[1]}`;
  const colon = message.indexOf(':');
  return colon < 0 ? message : message.slice(0, colon);
}

/** Groups whose consumer last crashed on an answer kafkajs retries: their restart line is routine too. */
const restartingAfterRetried = new Set<string>();

/**
 * A consumer crash on a broker answer kafkajs retries (`Crash: KafkaJSProtocolError: The
 * coordinator is loading…`, on every fresh broker's first join) and the restart line that follows
 * it: kafkajs restarts the consumer itself, a warning.
 */
function consumerRestartRetried(namespace: string, message: string, groupId: unknown): boolean {
  if (namespace !== 'Consumer') return false;
  const group = String(groupId);
  const crash = /^Crash: KafkaJS\w+: (.*)$/s.exec(message);
  if (crash) {
    const retried = RESTARTED_BY_KAFKAJS.has(crash[1]);
    if (retried) restartingAfterRetried.add(group);
    else restartingAfterRetried.delete(group);
    return retried;
  }
  if (message.startsWith('Restarting the consumer')) return restartingAfterRetried.delete(group);
  return false;
}

/**
 * A CreateTopics answer naming topics it did not create: services starting together each create
 * the product's topics, and all but the first are told "already exists", which kafkajs logged at
 * error level from every service (log-based alerting tripped at each deploy). The provisioning
 * (topics.ts) reads the answer itself: it goes on when the topics exist and fails the start with
 * its own error line otherwise.
 */
function provisioningAnswer({ namespace, log }: LogEntry): boolean {
  const fields = log as unknown as Record<string, unknown>;
  return (
    namespace === 'Connection' &&
    log.message.startsWith('Response CreateTopics(') &&
    fields.error === 'Topic creation errors'
  );
}

/** The line kafkajs's entry becomes (exported for its test). */
export function kafkaLogLine(entry: LogEntry): Record<string, unknown> {
  const { namespace, level, log } = entry;
  const handler = HANDLER_NAMESPACES.has(namespace);
  const fields = log as unknown as Record<string, unknown>;
  const retried =
    level === logLevel.ERROR &&
    ((namespace === 'Connection' && RETRIED_BY_KAFKAJS.has(String(fields.error))) ||
      consumerRestartRetried(namespace, log.message, fields.groupId));
  const line: Record<string, unknown> = {
    level: provisioningAnswer(entry) ? 'info' : retried ? 'warn' : (LEVEL[level] ?? 'error'),
    service: 'kafkajs',
    namespace,
    msg: handler ? handlerMessage(log.message) : log.message,
  };
  for (const key of SAFE_FIELDS) if (fields[key] !== undefined) line[key] = fields[key];
  if (!handler && typeof fields.error === 'string') line.error = fields.error;
  return line;
}

/** The same kafkajs line (namespace, message, broker) at most every 10 s per process. */
const throttle = createLogThrottle(10_000);

export const kafkaLogCreator: logCreator = () => (entry) => {
  const line = kafkaLogLine(entry);
  // Per client and group too: a process with two consumers must not lose the second's first line.
  const key = [line.level, line.namespace, line.msg, line.broker, line.error, line.clientId, line.groupId];
  const held = throttle.admit(key.map((part) => part ?? '').join('|'));
  if (held === null) return;
  const out = { time: new Date().toISOString(), ...line, ...(held > 0 ? { repeated: held } : {}) };
  process.stderr.write(`${JSON.stringify(out)}\n`);
};
