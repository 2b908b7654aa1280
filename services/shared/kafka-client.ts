// One place that builds kafkajs clients for every service and tool, with quiet logging (errors
// only) written without what the product's handlers' errors carry (kafka-log.ts). I/O: reads
// kafkajs's patched file once to check it (scripts/patch-kafkajs.js); none else until the
// returned client connects.
// First: swaps in a faster record-batch checksum before kafkajs loads (see kafka-crc32c.ts).
import './kafka-crc32c.ts';
import { existsSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log.ts';
import type { KafkaSecurity } from './kafka-security.ts';
import type { Logger } from './logger.ts';

/**
 * The install script's own check of kafkajs (plain JavaScript: imported by URL), beside the
 * sources or above a compiled dist/; null where neither has it.
 */
async function loadPatchScript(): Promise<{ patchState(): string } | null> {
  for (const path of ['../../scripts/patch-kafkajs.js', '../../../scripts/patch-kafkajs.js']) {
    const url = new URL(path, import.meta.url);
    if (existsSync(url)) return (await import(url.href)) as { patchState(): string };
  }
  return null;
}
const patchScript = await loadPatchScript();

/**
 * The warning for kafkajs's patch state (`patchState()` of scripts/patch-kafkajs.js: 'patched',
 * 'pristine' or why neither; null: the script is missing), or null when it is patched.
 */
export function kafkajsPatchWarning(state: string | null): string | null {
  if (state === 'patched') return null;
  if (state === 'pristine')
    return (
      'kafkajs is not patched (installed with --ignore-scripts?): every idle connection re-arms a ' +
      '1 ms timer (tulios/kafkajs#1704); run node scripts/patch-kafkajs.js after npm ci'
    );
  if (state === null) return 'kafkajs patch not checked: scripts/patch-kafkajs.js is not beside the services';
  return `kafkajs patch: ${state}`;
}

/** Logs the warning of kafkajsPatchWarning, if any, for the installed kafkajs by default. */
export function warnIfKafkajsUnpatched(
  logger: Logger,
  state: string | null = patchScript ? patchScript.patchState() : null,
): void {
  const warning = kafkajsPatchWarning(state);
  if (warning) logger.warn(warning);
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS / SASL (kafka-security.ts); plaintext without. */
  security?: KafkaSecurity;
  /**
   * A service's logger: kafkajs without the install's patch (npm ci --ignore-scripts) is warned
   * about there. Tools pass none.
   */
  logger?: Logger;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  if (options.logger) warnIfKafkajsUnpatched(options.logger);
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 5_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.ERROR,
    logCreator: kafkaLogCreator,
    // Backoff 100 ms doubling up to 1 s, then every second, for about 25 s in all (as the default
    // 8 doublings took): after a broker loss, KRaft fences it after broker.session.timeout.ms (9 s)
    // and elects new leaders; a client retrying every second finds them within a second, where
    // the doubling schedule (…6.4 s, 12.8 s) waited up to 4 s more (bench:faults).
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 30 },
    ...options.security,
  };
  return new Kafka(config);
}
