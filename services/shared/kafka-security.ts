// TLS and SASL of the Kafka clients, from the environment: KAFKA_SSL with
// optional CA / client certificate files, KAFKA_SASL_MECHANISM with a username and a password (or
// a password file). Every service validates them at start; in production a plaintext connection
// (no TLS, so SASL passwords and audio cross the network in clear) is refused unless
// KAFKA_ALLOW_PLAINTEXT=true says the network is private, and the repository's published test
// TLS pair is refused as CA, certificate or key (secret-policy.ts). I/O: reads the files named.
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { boolVar, collectProblems, ConfigError, loadConfig, readConfigFile } from './config.ts';
import { runModeOf } from './run-mode.ts';
import { publishedTlsProblems } from './secret-policy.ts';

const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

export const kafkaSecurityEnv = {
  KAFKA_SSL: boolVar(false),
  KAFKA_SSL_CA_FILE: optionalText,
  KAFKA_SSL_CERT_FILE: optionalText,
  KAFKA_SSL_KEY_FILE: optionalText,
  KAFKA_SASL_MECHANISM: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  ),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  KAFKA_SASL_PASSWORD_FILE: optionalText,
  KAFKA_ALLOW_PLAINTEXT: boolVar(false),
};

/** What createKafka adds to its client config: nothing (plaintext), TLS, SASL or both. */
export type KafkaSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

export interface KafkaSecurityResult {
  security: KafkaSecurity;
  /** Said once at start (the values of secrets never appear). */
  warnings: string[];
}

/**
 * The problems of the KAFKA_SSL* / KAFKA_SASL* variables (none: an empty list), for a start that
 * fails on other settings to name these too (start-error.ts).
 */
export function kafkaSecurityProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const c = collectProblems(problems, () => loadConfig(z.object(kafkaSecurityEnv), env), null);
  return c ? checkedProblems(c, env) : problems;
}

type KafkaSecurityEnv = z.infer<z.ZodObject<typeof kafkaSecurityEnv>>;

/** Parses and checks the KAFKA_SSL* / KAFKA_SASL* variables; throws ConfigError naming each problem. */
export function kafkaSecurityOf(env: Record<string, string | undefined>): KafkaSecurityResult {
  const c = loadConfig(z.object(kafkaSecurityEnv), env);
  const problems = checkedProblems(c, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return { security: securityOf(c, runModeOf(env) === 'production'), warnings: warningsOf(c, env) };
}

function checkedProblems(c: KafkaSecurityEnv, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const files = [c.KAFKA_SSL_CA_FILE, c.KAFKA_SSL_CERT_FILE, c.KAFKA_SSL_KEY_FILE];
  if (!c.KAFKA_SSL && files.some(Boolean)) {
    problems.push('KAFKA_SSL: set KAFKA_SSL=true to use KAFKA_SSL_CA_FILE / _CERT_FILE / _KEY_FILE');
  }
  if (Boolean(c.KAFKA_SSL_CERT_FILE) !== Boolean(c.KAFKA_SSL_KEY_FILE)) {
    problems.push('KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: set both (client certificate) or neither');
  }
  const hasPassword = Boolean(c.KAFKA_SASL_PASSWORD) || Boolean(c.KAFKA_SASL_PASSWORD_FILE);
  if (c.KAFKA_SASL_PASSWORD && c.KAFKA_SASL_PASSWORD_FILE) {
    problems.push('KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE: set one, not both');
  }
  if (c.KAFKA_SASL_MECHANISM && (!c.KAFKA_SASL_USERNAME || !hasPassword)) {
    problems.push('KAFKA_SASL_MECHANISM: needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD(_FILE)');
  }
  if (!c.KAFKA_SASL_MECHANISM && (c.KAFKA_SASL_USERNAME || hasPassword)) {
    problems.push('KAFKA_SASL_MECHANISM: set it (plain, scram-sha-256, scram-sha-512) to use a SASL user');
  }
  const production = runModeOf(env) === 'production';
  if (production && !c.KAFKA_SSL && !c.KAFKA_ALLOW_PLAINTEXT) {
    problems.push(
      'KAFKA_SSL: production needs TLS to the brokers (KAFKA_SSL=true), or KAFKA_ALLOW_PLAINTEXT=true ' +
        'where the brokers are on a private network',
    );
  }
  return problems;
}

/** What createKafka gets, reading the files the variables name (throws ConfigError). */
function securityOf(c: KafkaSecurityEnv, production: boolean): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (c.KAFKA_SSL) {
    const read = (variable: string, path: string | undefined) =>
      path ? readConfigFile(variable, path) : undefined;
    const ca = read('KAFKA_SSL_CA_FILE', c.KAFKA_SSL_CA_FILE);
    const cert = read('KAFKA_SSL_CERT_FILE', c.KAFKA_SSL_CERT_FILE);
    const key = read('KAFKA_SSL_KEY_FILE', c.KAFKA_SSL_KEY_FILE);
    const files = { KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key };
    const published = production
      ? Object.entries(files).flatMap(([variable, pem]) => (pem ? publishedTlsProblems(variable, pem) : []))
      : [];
    if (published.length > 0) throw new ConfigError(published);
    security.ssl = ca || cert ? { ca: ca ? [ca] : undefined, cert, key } : true;
  }
  if (c.KAFKA_SASL_MECHANISM) {
    const password = c.KAFKA_SASL_PASSWORD_FILE
      ? readConfigFile('KAFKA_SASL_PASSWORD_FILE', c.KAFKA_SASL_PASSWORD_FILE).trim()
      : (c.KAFKA_SASL_PASSWORD as string);
    security.sasl = {
      mechanism: c.KAFKA_SASL_MECHANISM,
      username: c.KAFKA_SASL_USERNAME as string,
      password,
    } as SASLOptions;
  }
  return security;
}

function warningsOf(c: KafkaSecurityEnv, env: Record<string, string | undefined>): string[] {
  return runModeOf(env) === 'production' && !c.KAFKA_SSL
    ? ['plaintext Kafka connections allowed by KAFKA_ALLOW_PLAINTEXT=true']
    : [];
}
