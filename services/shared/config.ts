// Service options validated from the environment with zod: one loadConfig(schema, env) helper,
// reusable variable schemas, and a ConfigError naming every bad variable. Pure (env passed in).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CodedError } from '../../pipelines/errors.ts';
import { isSecretSetting, withSecretFiles } from './secret-files.ts';

export { isSecretSetting };

export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  /** One line per problem, each starting with the variable's name. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/**
 * Parses `env` with a zod object schema whose keys are variable names (KAFKA_BROKERS, …).
 * Throws ConfigError listing every problem as "NAME: reason (got "value")"; secrets are not echoed.
 */
/**
 * Variables renamed to the one scheme (`X_TOPIC`, `X_GROUP_ID`): an old name still set is refused
 * with the new one, rather than silently ignored while the default topic or group is used.
 */
export const RENAMED_VARIABLES: Readonly<Record<string, string>> = {
  TOPIC_AUDIO: 'AUDIO_TOPIC',
  TOPIC_CALLS: 'CALLS_TOPIC',
  TOPIC_FEATURES: 'FEATURES_TOPIC',
  TOPIC_EMOTIONS: 'EMOTIONS_TOPIC',
  TOPIC_ALERTS: 'ALERTS_TOPIC',
  TOPIC_ROUTING: 'ROUTING_TOPIC',
  TOPIC_DEADLETTER: 'DEADLETTER_TOPIC',
  CONSUMER_GROUP: 'STORE_GROUP_ID',
  // One name for the page tokens' claims in the alert service (which issues them) and the call
  // store (which verifies them): changing one of two names broke QA logins with no start error.
  ALERT_JWT_ISSUER: 'JWT_ISSUER',
  ALERT_JWT_AUDIENCE: 'JWT_AUDIENCE',
  // The call store's login granted 8 h whatever the alert service's setting said: one name, read
  // by both, also bounds the expiry a verifier accepts.
  ALERT_TOKEN_TTL_S: 'TOKEN_TTL_S',
};

/**
 * An old name still set, with the new name: CONSUMER_GROUP (once every service's group) becomes
 * the consumer group variable of the service reading it (DSP_GROUP_ID, …), not always the call
 * store's.
 */
function renamedProblems(env: Record<string, string | undefined>, schema: z.ZodType): string[] {
  const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const group = shape.find((name) => name.endsWith('_GROUP_ID'));
  // A service that reads neither name leaves the old one alone: with one settings file shared by
  // every service, ALERT_TOKEN_TTL_S stopped the dsp-worker, which reads no token lifetime.
  const readsIt = (renamedTo: string): boolean => shape.length === 0 || shape.includes(renamedTo);
  return Object.entries(RENAMED_VARIABLES)
    .filter(([old]) => env[old] !== undefined && env[old] !== '')
    .filter(([old, renamedTo]) =>
      old === 'CONSUMER_GROUP' ? group !== undefined || shape.length === 0 : readsIt(renamedTo),
    )
    .map(([old, renamedTo]) => {
      const now = old === 'CONSUMER_GROUP' && shape.length > 0 ? group : renamedTo;
      return now ? `${old}: renamed ${now}; set ${now} instead` : `${old}: no longer read; unset it`;
    });
}

export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const { data, problems } = parseConfig(schema, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return data as z.infer<S>;
}

/**
 * loadConfig without the throw: the values when the schema parses (renamed variables and secret
 * files may still have problems), and every problem, so that a service's later checks name theirs
 * in the same start error (an operator fixed one line per restart).
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): { data: z.infer<S> | null; problems: string[] } {
  const files = withSecretFiles(schema, env);
  env = files.env;
  const renamed = renamedProblems(env, schema).concat(files.problems);
  const result = schema.safeParse(env);
  if (result.success) return { data: result.data, problems: renamed };
  const problems = renamed.concat(
    result.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.') || '(environment)';
      const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
      return `${name}: ${issue.message} (got ${shownValue(name, raw)})`;
    }),
  );
  return { data: null, problems };
}

/**
 * A rejected value as a config error may echo it: secrets by name hidden, and database
 * connection strings whole (a libpq `host=… password=…` string is no URL); in anything URL-like
 * the credentials (`user:password@`, up to the last `@`: a password may hold a `/`; with or
 * without a scheme: `KAFKA_BROKERS=user:pw@host:9093`), the query (`?access_token=…`) and any
 * `password=` pair hidden, whatever the name; of a webhook address only the host is shown (a
 * webhook's path is often its secret: `/services/T0/B0/XyZ…`).
 */
export function shownValue(name: string, raw: string | undefined): string {
  if (raw === undefined) return 'unset';
  if (isSecretSetting(name)) return '(hidden)';
  let masked = raw
    .replace(/\/\/[^\s]*@/g, '//(credentials hidden)@')
    .replace(/(^|[\s,;])[^\s,;/@:]+:[^\s,;]*@/g, '$1(credentials hidden)@')
    .replace(/\?[^\s#]*/g, '?(query hidden)')
    .replace(/(password|passwd|pwd)\s*=\s*('(?:[^'\\]|\\.)*'?|\S*)/gi, '$1=(hidden)');
  if (/WEBHOOK/i.test(name)) {
    const host = /^\s*(?:[a-z][\w+.-]*:\/\/)?[^/\s?#]*/i.exec(masked)?.[0] ?? '';
    if (host.length < masked.length) masked = `${host}/(path hidden)`;
  }
  return `"${masked}"`;
}

/**
 * Runs one stage of a config check, adding the problems of a ConfigError it throws to `problems`
 * and going on with `fallback`: the operator hears of every problem in one line, not one stage per
 * restart.
 */
export function collectProblems<T>(problems: string[], stage: () => T, fallback: T): T {
  try {
    return stage();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return fallback;
  }
}

/** `problems`, then those of `more` about a variable none of `problems` names yet. */
export function mergeProblems(problems: readonly string[], more: readonly string[]): string[] {
  const named = new Set(problems.map((p) => p.split(':')[0]));
  return [...problems, ...more.filter((p) => !named.has(p.split(':')[0]))];
}

/** Integer variable with bounds and a default, e.g. int({ min: 1, max: 100, def: 50 }). */
export function intVar(options: { min?: number; max?: number; def?: number } = {}) {
  let schema = z.number({ error: 'must be a whole number in decimal digits' }).int();
  if (options.min !== undefined) schema = schema.min(options.min, { error: `must be >= ${options.min}` });
  if (options.max !== undefined) schema = schema.max(options.max, { error: `must be <= ${options.max}` });
  // Decimal digits only: Number() would read " " as 0 (a port of 0 is "any free port": the probes
  // miss it and the pod restarts in a loop), "0x2330" as 9008 and "1e3" as 1000.
  const digits = z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    schema,
  );
  return options.def === undefined
    ? digits
    : z.preprocess((v) => (v === '' ? undefined : v), digits.default(options.def));
}

/** Integer variable with bounds and no default: unset or '' is undefined. */
export function optionalIntVar(options: { min?: number; max?: number } = {}) {
  return z.preprocess((v) => (v === '' ? undefined : v), intVar(options).optional());
}

/** The items of a comma-separated value, trimmed, empty ones dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Comma-separated list variable; unset or '' is the empty list. */
export const listVar = z.string().default('').transform(commaList);

/** Comma-separated host:port list. */
export const brokersVar = z
  .string({ error: 'is required (comma-separated host:port list)' })
  .transform(commaList)
  .pipe(
    z
      .array(
        z
          .string()
          // One message per entry: a port check after a failed shape named a port in "not-a-host".
          // Port 0 listens anywhere but connects nowhere (it failed 29 s later as unreachable).
          .refine((entry) => /^[\w.-]+:\d{1,5}$/.test(entry), { error: 'each entry must be host:port' })
          .refine(
            (entry) => {
              const port = Number(entry.slice(entry.lastIndexOf(':') + 1));
              return !/^[\w.-]+:\d{1,5}$/.test(entry) || (port >= 1 && port <= 65535);
            },
            { error: 'each port must be 1..65535' },
          ),
      )
      .min(1, { error: 'is required (comma-separated host:port list)' }),
  );

/** A Kafka topic name (Kafka's legal characters, at most 200 of them: the broker allows 249). */
export const topicVar = (def: string) =>
  z
    .string()
    .regex(/^[\w.-]{1,200}$/, { error: 'must be a Kafka topic name' })
    .default(def);

export const logLevelVar = z.enum(['debug', 'info', 'warn', 'error']).default('info');

export const boolVar = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
    .default(def ? 'true' : 'false')
    .transform((value) => (value === '' ? def : value === 'true' || value === '1'));

/** Variables every Kafka service reads; spread into a service's z.object({...}). */
export const commonEnv = {
  KAFKA_BROKERS: brokersVar,
  /** Port of /metrics, /healthz, /readyz; 0 = any free port. */
  HTTP_PORT: intVar({ min: 0, max: 65535, def: 9464 }),
  LOG_LEVEL: logLevelVar,
  TOPIC_PARTITIONS: intVar({ min: 1, max: 1000, def: 6 }),
  /** Unset: 3 in production, 1 in development (topic-replication.ts decides). */
  TOPIC_REPLICATION_FACTOR: optionalIntVar({ min: 1, max: 10 }),
  /** Unset: 2 in production, 1 in development; with an explicit factor, factor - 1 (1..2). */
  TOPIC_MIN_INSYNC_REPLICAS: optionalIntVar({ min: 1, max: 10 }),
  /** Production only: accept a factor below 3 / min.insync.replicas below 2 (e.g. one broker). */
  TOPIC_ALLOW_LOW_REPLICATION: boolVar(false),
  // Audio only transits: at most a day on the broker (a typo of 9e15 kept call audio for ever).
  AUDIO_RETENTION_MS: intVar({ min: 60_000, max: 86_400_000, def: 3_600_000 }),
  EVENT_RETENTION_MS: intVar({ min: 60_000, max: 365 * 24 * 3_600_000, def: 7 * 24 * 3_600_000 }),
};

/** Reads a file named by a variable; the error names the variable, never the content. */
export function readConfigFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${variable}: cannot read file "${path}" (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
}
