// How every service's entry point fails to start: one JSON line on stderr naming the service, a
// stable code and, for a configuration problem, every problem found, never a stack trace; then
// exit 2 when the operator's input is wrong (environment, users or rule file: fix and restart) or
// 1 otherwise (a dependency was unreachable: a restart may help). I/O: process.
import { errorCode } from '../../pipelines/errors.ts';
import { ConfigError, mergeProblems } from './config.ts';
import { kafkaSecurityProblems } from './kafka-security.ts';
import { kafkaStartFailure } from './kafka-start-failure.ts';

/** Codes of the files an operator provides, beside ConfigError (the environment). */
const OPERATOR_INPUT_CODES = new Set([
  'USERS_FILE_INVALID',
  'RULES_SYNTAX',
  'RULES_INVALID',
  'RULE_INVALID',
  'ROUTING_RULES_SYNTAX',
  'ROUTING_RULES_INVALID',
  'ROUTING_RULE_INVALID',
]);

export function exitOnStartError(service: string, error: unknown): never {
  // A configuration problem names the Kafka TLS/SASL settings' too: they are checked later, when
  // the service connects, and were otherwise one more restart away.
  if (error instanceof ConfigError)
    error = new ConfigError(mergeProblems(error.problems, kafkaSecurityExtra(process.env)));
  const kafka = kafkaStartFailure(error);
  const code = kafka?.code ?? errorCode(error, 'START_FAILED');
  const problems = error instanceof ConfigError ? error.problems : undefined;
  process.stderr.write(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      service,
      code,
      msg: kafka?.message ?? (error as Error).message,
      problems,
    }) + '\n',
  );
  process.exit(
    error instanceof ConfigError || OPERATOR_INPUT_CODES.has(code) || kafka?.operatorInput ? 2 : 1,
  );
}

/**
 * The Kafka TLS/SASL problems, or those of reading them: an invalid VA_MODE throws from inside
 * that check too, and must not escape this handler as a stack trace.
 */
function kafkaSecurityExtra(env: Record<string, string | undefined>): string[] {
  try {
    return kafkaSecurityProblems(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** Runs a service's start (config loading included), exiting as above when it throws. */
export async function startOrExit<T>(service: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    return exitOnStartError(service, error);
  }
}
