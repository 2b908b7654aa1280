// JSON-lines structured logger: one object per line on stdout (errors on stderr) with time,
// level, service and fields. Never pass audio, tokens or personal data: fields named like them
// are replaced by "[redacted]" as a safety net. I/O: writes to the process streams.
import { errorCode } from '../../pipelines/errors.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /^(payload|audio|samples|value)$|token|authorization|secret|password|customer_?ref/i;

/** What every line says itself: a field of the same name is kept as `<name>_field`, never over it. */
const RESERVED = new Set(['time', 'level', 'service', 'msg']);

function clean(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    // A field named `msg` replaced the line's message: "alert rule file rejected; previous rules
    // stay" was never printed, only the error's text (admin probe).
    const key = RESERVED.has(name) ? `${name}_field` : name;
    if (SECRET_KEYS.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error) {
      out[key] = { name: value.name, message: value.message, code: errorCode(value) };
    } else if (value instanceof Uint8Array) out[key] = `[${value.byteLength} bytes]`;
    else out[key] = value;
  }
  return out;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; defaults to stdout/stderr. Tests pass an array push. */
  write?: (line: string, level: LogLevel) => void;
}

function defaultWrite(line: string, level: LogLevel): void {
  (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? defaultWrite;
  const log =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (RANK[level] < min) return;
      const line = {
        time: new Date().toISOString(),
        level,
        service: options.service,
        msg,
        ...clean({ ...bound, ...fields }),
      };
      write(JSON.stringify(line), level);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
