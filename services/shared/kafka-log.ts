// kafkajs's own log lines, as one JSON line each on stderr, without what our handlers' errors may
// carry. kafkajs logs an error thrown by an eachBatch / eachMessage handler or a listener with its
// message and stack (`Error when calling eachBatch`, `Crash: Name: message`): a database error
// there can quote a record's values (agent ids, call ids). Those namespaces keep only the error's
// name; client-side errors (connections, brokers, metadata) keep kafkajs's message, which is ours
// to read. I/O: writes stderr.
import { logLevel, type logCreator, type LogEntry } from 'kafkajs';

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

/** The line kafkajs's entry becomes (exported for its test). */
export function kafkaLogLine(entry: LogEntry): Record<string, unknown> {
  const { namespace, level, log } = entry;
  const handler = HANDLER_NAMESPACES.has(namespace);
  const line: Record<string, unknown> = {
    level: LEVEL[level] ?? 'error',
    service: 'kafkajs',
    namespace,
    msg: handler ? handlerMessage(log.message) : log.message,
  };
  const fields = log as unknown as Record<string, unknown>;
  for (const key of SAFE_FIELDS) if (fields[key] !== undefined) line[key] = fields[key];
  if (!handler && typeof fields.error === 'string') line.error = fields.error;
  return line;
}

export const kafkaLogCreator: logCreator = () => (entry) => {
  process.stderr.write(`${JSON.stringify(kafkaLogLine(entry))}\n`);
};
