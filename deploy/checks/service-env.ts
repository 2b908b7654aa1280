// Which environment variables each deployable reads, from the services' own zod schemas (so a
// variable added to a schema is known here at once), and how each validates its environment.
// Used by the compose and Kubernetes checks: a variable a manifest sets that no schema reads is a
// typo or a leftover, silently ignored at run time. Pure (no I/O until a loader runs).
import { z } from 'zod';
import { alertServiceEnv, loadAlertServiceConfig } from '../../services/alert-service/config.ts';
import { callStoreEnv, loadCallStoreConfig } from '../../services/call-store/config.ts';
import { dspWorkerEnv, loadDspWorkerConfig } from '../../services/dsp-worker/config.ts';
import {
  emotionClassifierEnv,
  loadEmotionClassifierConfig,
} from '../../services/emotion-classifier/config.ts';
import { gatewayEnv, loadGatewayConfig } from '../../services/ingest-gateway/config.ts';
import { audiohookEnv } from '../../services/ingest-gateway/audiohook/config.ts';
import { l16wsEnv } from '../../services/ingest-gateway/l16ws/config.ts';
import { twilioEnv } from '../../services/ingest-gateway/twilio-config.ts';
import { loadRoutingServiceConfig, routingServiceEnv } from '../../services/routing-service/config.ts';
import { commonEnv, loadConfig } from '../../services/shared/config.ts';
import { kafkaSecurityOf } from '../../services/shared/kafka-security.ts';
import { settingNames } from '../../services/shared/setting-names.ts';

export interface ServiceEnv {
  /** The entry file a container command names. */
  entry: string;
  variables: ReadonlySet<string>;
  /** Validates an environment as the service does at start (throws ConfigError). */
  load(env: Record<string, string | undefined>): unknown;
}

const names = settingNames;

/** Every service also validates its Kafka TLS / SASL variables at start (service-base.ts). */
const withKafkaSecurity =
  (load: (env: Record<string, string | undefined>) => unknown) =>
  (env: Record<string, string | undefined>): unknown => {
    kafkaSecurityOf(env);
    return load(env);
  };

/** By deployable name (compose service, Kubernetes Deployment/Job). */
export const SERVICE_ENV: Readonly<Record<string, ServiceEnv>> = {
  topics: {
    entry: 'services/shared/provision-main.ts',
    variables: names(z.object(commonEnv)),
    load: withKafkaSecurity((env) => loadConfig(z.object(commonEnv), env)),
  },
  'ingest-gateway': {
    entry: 'services/ingest-gateway/main.ts',
    variables: names(gatewayEnv, l16wsEnv, twilioEnv, audiohookEnv),
    load: withKafkaSecurity(loadGatewayConfig),
  },
  'dsp-worker': {
    entry: 'services/dsp-worker/main.ts',
    variables: names(dspWorkerEnv),
    load: withKafkaSecurity(loadDspWorkerConfig),
  },
  'emotion-classifier': {
    entry: 'services/emotion-classifier/main.ts',
    variables: names(emotionClassifierEnv),
    load: withKafkaSecurity(loadEmotionClassifierConfig),
  },
  'alert-service': {
    entry: 'services/alert-service/main.ts',
    variables: names(alertServiceEnv),
    load: withKafkaSecurity(loadAlertServiceConfig),
  },
  'call-store': {
    entry: 'services/call-store/main.ts',
    variables: names(callStoreEnv),
    load: withKafkaSecurity(loadCallStoreConfig),
  },
  'routing-service': {
    entry: 'services/routing-service/main.ts',
    variables: names(routingServiceEnv),
    load: withKafkaSecurity(loadRoutingServiceConfig),
  },
};

/** The service whose entry file a container command runs, if any. */
export function serviceOfCommand(command: readonly string[] | undefined): string | undefined {
  return Object.keys(SERVICE_ENV).find((name) => (command ?? []).includes(SERVICE_ENV[name].entry));
}

/** Variables of `env` that `service` never reads, as "service: NAME is not read by …" problems. */
export function unknownVariables(service: string, variables: Iterable<string>): string[] {
  const known = SERVICE_ENV[service].variables;
  return [...variables]
    .filter((name) => !known.has(name))
    .map((name) => `${service}: ${name} is not a variable of its config schema`);
}
