// Against the real processes: with NODE_ENV=production (the image's
// default) each service's main.ts exits 2 with one CONFIG_INVALID line when given the compose
// defaults, the demo users (even copied elsewhere) or no users file — before touching Kafka.
// With real secrets and a real users file the alert service and the call store start, and the
// call store's QA API refuses a correctly signed admin token that has no `exp`.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../../services/shared/auth/users.ts';
import { issueToken } from '../../../services/shared/auth/tokens.ts';
import {
  startServiceProcess,
  waitUntilReady,
  type ServiceProcess,
} from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';
import { uniqueName } from '../../support/kafka.ts';

const COMPOSE_SECRET = 'change-me-a-shared-secret-of-32-chars-or-more';
const dir = mkdtempSync(join(tmpdir(), 'va-sec-prod-'));
const started: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((service) => service.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a service's main.ts in production mode; resolves with its exit code and output. */
async function runToExit(
  service: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const proc = startServiceProcess(service, { NODE_ENV: 'production', KAFKA_BROKERS: '127.0.0.1:1', ...env });
  started.push(proc);
  const code = await new Promise<number>((resolve) => proc.child.once('exit', (c) => resolve(c ?? -1)));
  return { code, output: proc.output() };
}

function expectConfigInvalid(result: { code: number; output: string }, variable: RegExp): void {
  expect(result.code, result.output).toBe(2);
  const line = result.output.split('\n').find((l) => l.includes('"code":"CONFIG_INVALID"'));
  expect(line, result.output).toBeDefined();
  const problems = (JSON.parse(line ?? '{}') as { problems?: string[] }).problems ?? [];
  expect(problems.join('\n')).toMatch(variable);
  expect(result.output).not.toContain(COMPOSE_SECRET);
  expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
}

describe('production mode refuses to start', () => {
  it('alert service with the compose key and no users file', async () => {
    expectConfigInvalid(
      await runToExit('alert-service', { JWT_SECRET: COMPOSE_SECRET }),
      /JWT_SECRET[^]*ALERT_USERS_FILE/,
    );
  });

  it('alert service with the demo users copied to another path', async () => {
    const copy = join(dir, 'users.json');
    copyFileSync('config/demo-users.json', copy);
    expectConfigInvalid(
      await runToExit('alert-service', {
        JWT_SECRET: randomBytes(33).toString('base64url'),
        ALERT_USERS_FILE: copy,
      }),
      /ALERT_USERS_FILE: user "supervisor" has a demo password hash/,
    );
  });

  it('emotion classifier with a file that is not a model: one line naming EMOTION_MODEL_PATH, exit 2', async () => {
    const notModel = join(dir, 'not-a-model.json');
    writeFileSync(notModel, '{"format": "something else"}');
    expectConfigInvalid(
      await runToExit('emotion-classifier', { EMOTION_MODEL_PATH: notModel, KAFKA_ALLOW_PLAINTEXT: 'true' }),
      /EMOTION_MODEL_PATH: ".*not-a-model\.json" is not an emotion model/,
    );
  });

  it('routing service with a misspelt VA_MODE: one line naming it, exit 2, no stack trace', async () => {
    // The start-error handler re-reads the run mode for the Kafka TLS check: it threw again there.
    expectConfigInvalid(
      await runToExit('routing-service', { VA_MODE: 'prod' }),
      /VA_MODE: must be production or development/,
    );
  });

  it('call store with the compose key', async () => {
    expectConfigInvalid(await runToExit('call-store', { JWT_SECRET: COMPOSE_SECRET }), /JWT_SECRET/);
  });

  it('call store naming the demo users file', async () => {
    expectConfigInvalid(
      await runToExit('call-store', {
        JWT_SECRET: randomBytes(33).toString('base64url'),
        SERVICE_TOKEN_SECRET: randomBytes(33).toString('base64url'),
        STORE_USERS_FILE: 'config/demo-users.json',
      }),
      /STORE_USERS_FILE: names the demo users file/,
    );
  });

  it('routing service reading history with the compose key', async () => {
    expectConfigInvalid(
      await runToExit('routing-service', {
        ROUTING_HISTORY_URL: 'http://call-store:8090',
        JWT_SECRET: COMPOSE_SECRET,
      }),
      /JWT_SECRET/,
    );
  });

  it('routing service with an invalid rule file: exit 2 naming the rule, no stack trace', async () => {
    const rules = join(dir, 'routing-rules.yaml');
    writeFileSync(rules, 'version: 1\nrules:\n  - id: x\n    on: call-start\n    risk: 7\n');
    const result = await runToExit('routing-service', { ROUTING_RULES_FILE: rules });
    expect(result.code, result.output).toBe(2);
    expect(result.output).toMatch(/"code":"ROUTING_RULE[S]?_INVALID"/);
    expect(result.output).not.toMatch(/\n\s+at /);
  });

  it('dsp-worker asked for one copy of each topic', async () => {
    expectConfigInvalid(
      await runToExit('dsp-worker', { TOPIC_REPLICATION_FACTOR: '1' }),
      /TOPIC_REPLICATION_FACTOR: must be at least 3 in production[^]*TOPIC_ALLOW_LOW_REPLICATION=true/,
    );
  });

  it('ingest gateway with the compose tenant token', async () => {
    expectConfigInvalid(
      await runToExit('ingest-gateway', { TENANT_TOKENS: 'demo=demo-token-change-me-0001' }),
      /TENANT_TOKENS/,
    );
  });

  it('ingest gateway without gRPC TLS', async () => {
    const token = randomBytes(33).toString('base64url');
    expectConfigInvalid(
      await runToExit('ingest-gateway', { TENANT_TOKENS: `acme=${token}` }),
      /TLS_CERT_FILE.*GRPC_ALLOW_PLAINTEXT/,
    );
  });

  it('a Kafka service without Kafka TLS', async () => {
    expectConfigInvalid(await runToExit('dsp-worker', {}), /KAFKA_SSL: production needs TLS/);
  });
});

describe('production mode with real secrets', () => {
  it('starts the alert service and the call store; the QA API refuses a token without exp', async () => {
    const secret = randomBytes(33).toString('base64url');
    const password = randomBytes(18).toString('base64url');
    const usersFile = join(dir, 'real-users.json');
    writeFileSync(
      usersFile,
      JSON.stringify({
        users: [
          {
            username: 'ops',
            displayName: 'Ops',
            role: 'admin',
            tenant: 'acme',
            passwordHash: await hashPassword(password),
          },
        ],
      }),
    );
    const p = uniqueName('sec-prod');
    const common = {
      NODE_ENV: 'production',
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      // The test broker has no TLS listener: production must be told the network is private.
      KAFKA_ALLOW_PLAINTEXT: 'true',
      LOG_LEVEL: 'info',
      // The test broker is a single node: one copy, said explicitly (production refuses it otherwise).
      TOPIC_REPLICATION_FACTOR: '1',
      TOPIC_ALLOW_LOW_REPLICATION: 'true',
    };
    const alerts = startServiceProcess('alert-service', {
      ...common,
      JWT_SECRET: secret,
      ALERT_USERS_FILE: usersFile,
      ALERT_PORT: '0',
      ALERT_HOST: '127.0.0.1',
      ALERT_GROUP_ID: `${p}.eval`,
      ALERT_FANOUT_GROUP_PREFIX: `${p}.fanout`,
      ALERT_WEB_DIR: dir,
    });
    started.push(alerts);
    const store = startServiceProcess('call-store', {
      ...common,
      JWT_SECRET: secret,
      SERVICE_TOKEN_SECRET: randomBytes(33).toString('base64url'),
      STORE_USERS_FILE: usersFile,
      STORE_DATA_DIR: join(dir, 'store'),
      API_PORT: '0',
      STORE_GROUP_ID: `${p}.store`,
      SERVE_WEB: 'false',
    });
    started.push(store);
    await waitUntilReady(alerts);
    await waitFor('call store API', async () => /QA API listening/.test(store.output()), 90_000);
    const apiPort = Number(
      /"port":(\d+)/.exec(store.output().slice(store.output().indexOf('QA API listening')))?.[1],
    );

    const options = {
      secret: new TextEncoder().encode(secret),
      issuer: 'va-alert-service',
      audience: 'va-pages',
    };
    const noExp = await new SignJWT({ role: 'admin', tenant: '*' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('mallory')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .sign(options.secret);
    const withExp = await issueToken(options, {
      userId: 'ops',
      role: 'admin',
      tenant: 'acme',
      agentId: null,
      teams: [],
    });
    const get = (token: string) =>
      fetch(`http://127.0.0.1:${apiPort}/calls`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(noExp)).status).toBe(401);
    expect((await get(withExp)).status).toBe(200);
    // The real users file logs in; the demo password does not exist here.
    const login = (username: string, pw: string) =>
      fetch(`http://127.0.0.1:${apiPort}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: pw }),
      });
    expect((await login('ops', password)).status).toBe(200);
    expect((await login('supervisor', 'demo1234')).status).toBe(401);
  });
});
