// The settings of a one-shot Kafka tool (provision-main.ts, auth/revoke-user.ts): its environment
// (commonEnv plus its own), the topic replication and the Kafka TLS / SASL of kafka-security.ts,
// decided as every service decides them; a problem is one CONFIG_INVALID line and exit 2.
// I/O: process (env, stderr, exit).
import { z } from 'zod';
import { ConfigError, loadConfig, type commonEnv } from './config.ts';
import { kafkaSecurityOf, type KafkaSecurityResult } from './kafka-security.ts';
import { runModeOf } from './run-mode.ts';
import { topicReplicationOf, type TopicReplication } from './topic-replication.ts';

export interface ToolSettings<T> {
  config: T;
  replication: TopicReplication;
  security: KafkaSecurityResult;
}

export function toolSettingsOrExit<S extends typeof commonEnv>(
  env: S,
): ToolSettings<z.infer<z.ZodObject<S>>> {
  try {
    const config = loadConfig(z.object(env)) as z.infer<z.ZodObject<S>>;
    return {
      config,
      // Every tool's environment holds commonEnv's settings (the type parameter says so).
      replication: topicReplicationOf(config as z.infer<z.ZodObject<typeof commonEnv>>, runModeOf()),
      security: kafkaSecurityOf(process.env),
    };
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : undefined;
    console.error(
      JSON.stringify({ level: 'error', code: 'CONFIG_INVALID', msg: (error as Error).message, problems }),
    );
    process.exit(2);
  }
}
