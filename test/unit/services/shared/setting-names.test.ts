// A misspelt setting (WINDOW_MSS, DSP_GROUP for DSP_GROUP_ID, a swapped pair of letters) was
// ignored without a word and the service ran on its default: each is now named at start with the
// setting it was probably meant to be, and the rest of a container's environment is left alone.
import { describe, expect, it } from 'vitest';
import { dspWorkerEnv } from '../../../../services/dsp-worker/config.ts';
import { misspeltSettings, settingNames } from '../../../../services/shared/setting-names.ts';

const known = settingNames(dspWorkerEnv);

describe('misspelt settings', () => {
  it('names a setting off by a letter or two, cut short, or with two letters swapped', () => {
    expect(
      misspeltSettings('dsp-worker', known, {
        DSP_GROUP: 'foo',
        KAFKA_BROKRES: 'localhost:9092',
        LOG_LEVLE: 'debug',
        AUDIO_TOPICS: 'x',
      }),
    ).toEqual([
      'DSP_GROUP is not a setting of dsp-worker (did you mean DSP_GROUP_ID?); it is ignored',
      'KAFKA_BROKRES is not a setting of dsp-worker (did you mean KAFKA_BROKERS?); it is ignored',
      'LOG_LEVLE is not a setting of dsp-worker (did you mean LOG_LEVEL?); it is ignored',
      'AUDIO_TOPICS is not a setting of dsp-worker (did you mean AUDIO_TOPIC?); it is ignored',
    ]);
  });

  it("leaves its own settings, the Kafka security ones and a container's usual environment alone", () => {
    expect(
      misspeltSettings('dsp-worker', known, {
        KAFKA_BROKERS: 'localhost:9092',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        VA_MODE: 'production',
        PATH: '/usr/bin',
        HOSTNAME: 'dsp-worker-7c9f',
        HOME: '/home/node',
        NODE_VERSION: '24.11.0',
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_PORT_443_TCP: 'tcp://10.0.0.1:443',
        YARN_VERSION: '1.22.22',
        npm_config_cache: '/tmp',
        ALERT_GROUP_ID: 'another service’s setting, far from any of this one',
      }),
    ).toEqual([]);
    // OpenSSL's CA bundle is near the gateway's TLS_CERT_FILE, and is not a typo of it.
    const gateway = new Set([...known, 'TLS_CERT_FILE', 'TLS_KEY_FILE']);
    expect(misspeltSettings('ingest-gateway', gateway, { SSL_CERT_FILE: '/etc/ssl/certs/ca.pem' })).toEqual(
      [],
    );
  });
});
