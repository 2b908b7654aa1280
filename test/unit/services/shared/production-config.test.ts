// Production mode refuses what is only safe on a laptop — the compose
// defaults, short or placeholder secrets, the demo users file or no users file — with a
// CONFIG_INVALID error that names the variable and never echoes the secret. And the image
// neither ships the demo users nor runs outside production mode.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAlertServiceConfig } from '../../../../services/alert-service/config.ts';
import { loadCallStoreConfig } from '../../../../services/call-store/config.ts';
import { loadGatewayConfig } from '../../../../services/ingest-gateway/config.ts';
import { loadRoutingServiceConfig } from '../../../../services/routing-service/config.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { runModeOf } from '../../../../services/shared/run-mode.ts';
import { packageImports } from '../../../../scripts/lib/third-party.ts';
import { trackedSourceFiles } from '../../../../scripts/lib/tracked-files.ts';
import { thrownError } from '../../../support/thrown.ts';

const COMPOSE_SECRET = 'change-me-a-shared-secret-of-32-chars-or-more';
const COMPOSE_TOKEN = 'demo-token-change-me-0001';
const strong = (): string => randomBytes(33).toString('base64url');
// Three copies of every topic: production's default and minimum (topic-replication.test.ts).
const base = { KAFKA_BROKERS: '127.0.0.1:9092', NODE_ENV: 'production', TOPIC_REPLICATION_FACTOR: '3' };

function configError(load: () => unknown): ConfigError {
  const error = thrownError(load, ConfigError);
  expect(error.code).toBe('CONFIG_INVALID');
  return error;
}

describe('run mode', () => {
  it('is production when NODE_ENV=production or VA_MODE=production, and VA_MODE wins', () => {
    expect(runModeOf({ NODE_ENV: 'production' })).toBe('production');
    expect(runModeOf({ VA_MODE: 'production' })).toBe('production');
    expect(runModeOf({})).toBe('development');
    expect(runModeOf({ NODE_ENV: 'production', VA_MODE: 'development' })).toBe('development');
    expect(configError(() => runModeOf({ VA_MODE: 'prod' })).problems[0]).toMatch(/^VA_MODE/);
  });
});

describe('alert service in production', () => {
  it('refuses the compose default key and the implicit demo users file', () => {
    const error = configError(() => loadAlertServiceConfig({ ...base, JWT_SECRET: COMPOSE_SECRET }));
    expect(error.problems.join('\n')).toMatch(/JWT_SECRET: .*published default/);
    expect(error.problems.join('\n')).toMatch(/ALERT_USERS_FILE: required in production/);
    expect(error.message).not.toContain(COMPOSE_SECRET);
  });

  it('names a missing users file beside a key the schema refuses, in one start', () => {
    const error = configError(() => loadAlertServiceConfig({ ...base, JWT_SECRET: 'change-me' }));
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['JWT_SECRET', 'ALERT_USERS_FILE']);
  });

  it('refuses no key (random per start), a short key and a uniform key', () => {
    const users = { ALERT_USERS_FILE: '/etc/va/users.json' };
    expect(configError(() => loadAlertServiceConfig({ ...base, ...users })).problems[0]).toMatch(
      /JWT_SECRET: a token key is required/,
    );
    for (const key of ['x'.repeat(40), 'Zq3-Lk9_vB2mN8'.padEnd(31, 'r')]) {
      const error = configError(() => loadAlertServiceConfig({ ...base, ...users, JWT_SECRET: key }));
      expect(error.problems[0]).toMatch(/^JWT_SECRET: /);
    }
  });

  it('starts with a strong key and an explicit users file', () => {
    const key = strong();
    const config = loadAlertServiceConfig({ ...base, JWT_SECRET: key, ALERT_USERS_FILE: '/u.json' });
    expect(config.runMode).toBe('production');
    expect(config.jwtSecret).toBe(key);
    expect(config.warnings).toEqual([]);
  });

  it('refuses a key set (JWKS) fetched without TLS', () => {
    const jwks = { ALERT_JWKS_ISSUER: 'https://idp.example', ALERT_JWKS_AUDIENCE: 'va' };
    const env = { ...base, JWT_SECRET: strong(), ALERT_USERS_FILE: '/u.json', ...jwks };
    const error = configError(() =>
      loadAlertServiceConfig({ ...env, ALERT_JWKS_URL: 'http://idp.example/jwks.json' }),
    );
    expect(error.problems).toEqual(['ALERT_JWKS_URL: must be an https:// URL in production']);
    expect(
      loadAlertServiceConfig({ ...env, ALERT_JWKS_URL: 'https://idp.example/jwks.json' }).ALERT_JWKS_URL,
    ).toBe('https://idp.example/jwks.json');
  });

  it('still reads the old name ALERT_JWT_SECRET for one release, with a deprecation warning', () => {
    const key = strong();
    const config = loadAlertServiceConfig({ ...base, ALERT_JWT_SECRET: key, ALERT_USERS_FILE: '/u.json' });
    expect(config.jwtSecret).toBe(key);
    expect(config.warnings.join('\n')).toMatch(/ALERT_JWT_SECRET is deprecated.*JWT_SECRET/);
    // The old name is held to the same bar, and named in the problem.
    const error = configError(() =>
      loadAlertServiceConfig({ ...base, ALERT_JWT_SECRET: COMPOSE_SECRET, ALERT_USERS_FILE: '/u.json' }),
    );
    expect(error.problems[0]).toMatch(/^ALERT_JWT_SECRET: .*published default/);
  });

  it('refuses two different keys under the old and the new name', () => {
    const error = configError(() =>
      loadAlertServiceConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        JWT_SECRET: strong(),
        ALERT_JWT_SECRET: strong(),
      }),
    );
    expect(error.problems).toEqual([expect.stringMatching(/^JWT_SECRET, ALERT_JWT_SECRET: both set/)]);
    expect(error.message).not.toMatch(/[A-Za-z0-9_-]{40}/);
  });

  it('keeps development as it was', () => {
    expect(loadAlertServiceConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).runMode).toBe('development');
  });
});

describe('the example secret of compose and the READMEs', () => {
  // "Services refuse to start with the example secret unless a dev flag is set":
  // the dev flag is VA_MODE=development, which wins over the image's NODE_ENV=production.
  const dev = { ...base, VA_MODE: 'development' };
  it('is refused by both services that verify tokens in production', () => {
    expect(() =>
      loadAlertServiceConfig({ ...base, JWT_SECRET: COMPOSE_SECRET, ALERT_USERS_FILE: '/u.json' }),
    ).toThrow(/JWT_SECRET: .*published default/);
    expect(() => loadCallStoreConfig({ ...base, JWT_SECRET: COMPOSE_SECRET, STORE_USERS_FILE: '' })).toThrow(
      /JWT_SECRET: .*published default/,
    );
  });

  it('is accepted only with the development flag VA_MODE=development', () => {
    expect(loadAlertServiceConfig({ ...dev, JWT_SECRET: COMPOSE_SECRET }).jwtSecret).toBe(COMPOSE_SECRET);
    expect(loadCallStoreConfig({ ...dev, JWT_SECRET: COMPOSE_SECRET }).runMode).toBe('development');
  });
});

describe('call store in production', () => {
  it('refuses the compose default key and an unset users file', () => {
    const error = configError(() => loadCallStoreConfig({ ...base, JWT_SECRET: COMPOSE_SECRET }));
    expect(error.problems.join('\n')).toMatch(/JWT_SECRET: .*published default/);
    expect(error.problems.join('\n')).toMatch(/STORE_USERS_FILE: required in production/);
  });

  it("refuses a users file that does not exist, accepts '' (no login endpoint)", () => {
    const missing = {
      ...base,
      JWT_SECRET: strong(),
      SERVICE_TOKEN_SECRET: strong(),
      STORE_USERS_FILE: '/nope/users.json',
    };
    expect(configError(() => loadCallStoreConfig(missing)).problems[0]).toMatch(/does not exist/);
    expect(loadCallStoreConfig({ ...missing, STORE_USERS_FILE: '' }).runMode).toBe('production');
  });

  it('refuses a PostgreSQL connection without TLS unless DATABASE_ALLOW_PLAINTEXT=true', () => {
    const env = { ...base, JWT_SECRET: strong(), SERVICE_TOKEN_SECRET: strong(), STORE_USERS_FILE: '' };
    const plaintext = /^DATABASE_URL: production needs TLS to PostgreSQL/;
    for (const url of [
      'postgres://va:pw@db:5432/va',
      'postgres://va:pw@db/va?sslmode=disable',
      'postgresql://db/va?sslmode=prefer',
    ]) {
      const error = configError(() => loadCallStoreConfig({ ...env, DATABASE_URL: url }));
      expect(error.problems).toEqual([expect.stringMatching(plaintext)]);
      expect(error.message).not.toContain('pw');
      expect(
        loadCallStoreConfig({ ...env, DATABASE_URL: url, DATABASE_ALLOW_PLAINTEXT: 'true' }).runMode,
      ).toBe('production');
    }
    for (const url of [
      'postgres://va:pw@db:5432/va?sslmode=require',
      'postgres://va:pw@db/va?sslmode=verify-full',
      'postgres://va:pw@db/va?ssl=true',
      'postgres://va@localhost/va?host=/var/run/postgresql',
    ])
      expect(loadCallStoreConfig({ ...env, DATABASE_URL: url }).DATABASE_URL).toBe(url);
    // As pg reads it: the last of a repeated parameter, PGSSLMODE when the URL has none, pg's
    // no-verify (encrypts), a socket directory percent-encoded in the authority.
    expect(() =>
      loadCallStoreConfig({ ...env, DATABASE_URL: 'postgres://db/va?sslmode=require&sslmode=disable' }),
    ).toThrow(/DATABASE_URL: production needs TLS to PostgreSQL/);
    expect(
      loadCallStoreConfig({ ...env, DATABASE_URL: 'postgres://db/va', PGSSLMODE: 'verify-full' }).runMode,
    ).toBe('production');
    expect(() =>
      loadCallStoreConfig({ ...env, DATABASE_URL: 'postgres://db/va?sslmode=disable', PGSSLMODE: 'require' }),
    ).toThrow(/DATABASE_URL: production needs TLS to PostgreSQL/);
    for (const [url, pgSslMode] of [
      ['postgres://db/va', 'REQUIRE'], // pg compares PGSSLMODE as written: this one is plaintext
      ['postgres://va@%2Ftmp/va?host=db.example.com', undefined], // ?host= wins: TCP, in clear
      ['postgres://va@db/va?host=/tmp&host=db.example.com', undefined],
    ])
      expect(() => loadCallStoreConfig({ ...env, DATABASE_URL: url, PGSSLMODE: pgSslMode }), url).toThrow(
        /DATABASE_URL: production needs TLS to PostgreSQL/,
      );
    for (const url of ['postgres://db/va?sslmode=no-verify', 'postgres://%2Fvar%2Frun%2Fpostgresql/va'])
      expect(loadCallStoreConfig({ ...env, DATABASE_URL: url }).DATABASE_URL).toBe(url);
    // Development keeps the throwaway local cluster's plain connection.
    expect(
      loadCallStoreConfig({ ...env, VA_MODE: 'development', DATABASE_URL: 'postgres://db/va' }).runMode,
    ).toBe('development');
  });

  it('needs a service-token key of its own, not the page key', () => {
    const env = { ...base, JWT_SECRET: strong(), STORE_USERS_FILE: '' };
    expect(configError(() => loadCallStoreConfig(env)).problems).toEqual([
      expect.stringMatching(
        /^SERVICE_TOKEN_SECRET: required in production, the same value on the call store/,
      ),
    ]);
    expect(
      configError(() => loadCallStoreConfig({ ...env, SERVICE_TOKEN_SECRET: env.JWT_SECRET })).problems,
    ).toEqual(['SERVICE_TOKEN_SECRET: must differ from JWT_SECRET (the page-token key)']);
    const key = strong();
    expect(loadCallStoreConfig({ ...env, SERVICE_TOKEN_SECRET: key }).serviceKey).toBe(key);
  });
});

describe('history lookups in production (service tokens to the call store)', () => {
  const services = [
    {
      variable: 'ALERT_HISTORY_URL',
      load: (env: Record<string, string>) =>
        loadAlertServiceConfig({ ...env, JWT_SECRET: strong(), ALERT_USERS_FILE: '/u.json' }),
    },
    { variable: 'ROUTING_HISTORY_URL', load: loadRoutingServiceConfig },
  ];

  it.each(services)(
    '$variable: refuses plain http unless told that TLS ends in front of the store',
    ({ variable, load }) => {
      const allow = variable.replace('_URL', '_ALLOW_PLAINTEXT');
      const env = { ...base, SERVICE_TOKEN_SECRET: strong(), [variable]: 'http://call-store:8090' };
      expect(configError(() => load(env)).problems).toEqual([
        `${variable}: production needs https to the call store (lookups carry service tokens and customers' history), or ${allow}=true where TLS ends in front of it or the network is private`,
      ]);
      expect(load({ ...env, [allow]: 'true' }).warnings).toEqual([
        `plain-http history lookups allowed by ${allow}=true`,
      ]);
      for (const url of [
        'https://call-store:8090',
        'http://127.0.0.1:8090',
        'http://localhost:8090',
        'http://[::1]:8090',
      ])
        expect(load({ ...env, [variable]: url }).warnings, url).toEqual([]);
      expect(load({ ...env, NODE_ENV: 'development' }).warnings).toEqual([]);
      expect(configError(() => load({ ...env, [allow]: 'yes' })).problems[0]).toMatch(
        new RegExp(`^${allow}: must be true or false`),
      );
    },
  );
});

describe('ingest gateway in production', () => {
  it('refuses the compose default tenant token and short tokens, naming the entry only', () => {
    const error = configError(() => loadGatewayConfig({ ...base, TENANT_TOKENS: `demo=${COMPOSE_TOKEN}` }));
    expect(error.problems.join('\n')).toMatch(/TENANT_TOKENS: .*token of entry 1.*published default/);
    expect(error.message).not.toContain(COMPOSE_TOKEN);
    const short = 'k7Q2mX9pL4vB8nR1tY6w'; // 20 characters: fine in development, not here
    expect(
      configError(() => loadGatewayConfig({ ...base, TENANT_TOKENS: `acme=${short}` })).problems[0],
    ).toMatch(/shorter than 32/);
    expect(
      loadGatewayConfig({ ...base, NODE_ENV: 'test', TENANT_TOKENS: `acme=${short}` }).tenantTokens.size,
    ).toBe(1);
    const env = {
      ...base,
      TENANT_TOKENS: `acme=${strong()}`,
      CUSTOMER_REF_KEYS: `acme=${strong()}`,
      GRPC_ALLOW_PLAINTEXT: 'true',
    };
    expect(loadGatewayConfig(env).tenantTokens.size).toBe(1);
    // Rotating: the tenant's next token beside the current one; each held to the same bar.
    const next = strong();
    expect(
      loadGatewayConfig({ ...env, TENANT_TOKENS: `${env.TENANT_TOKENS},acme=${next}` }).tenantTokens,
    ).toEqual(new Map([['acme', [env.TENANT_TOKENS.slice(5), next]]]));
    expect(
      configError(() => loadGatewayConfig({ ...env, TENANT_TOKENS: `${env.TENANT_TOKENS},acme=${short}` }))
        .problems[0],
    ).toMatch(/token of entry 2.*shorter than 32/);
    // Named by its entry as written, not by its place among the tenant's tokens (review: "entry 2"
    // was beta's good token).
    expect(
      configError(() =>
        loadGatewayConfig({
          ...env,
          TENANT_TOKENS: `${env.TENANT_TOKENS},beta=${strong()},acme=${short}`,
          CUSTOMER_REF_KEYS: `acme=${strong()},beta=${strong()}`,
        }),
      ).problems,
    ).toEqual([expect.stringMatching(/token of entry 3.*shorter than 32/)]);
    // A file and the variable both set: the file had won without a word.
    expect(
      configError(() => loadGatewayConfig({ ...env, TENANT_TOKENS_FILE: '/nonexistent/tokens' })).problems,
    ).toContain('TENANT_TOKENS, TENANT_TOKENS_FILE: set one, not both');
  });

  it('never prints a token written as the tenant (an entry the wrong way round that parses)', () => {
    // A hex token passes the tenant-name check, and a long tenant name the token-length check.
    const token = randomBytes(32).toString('hex');
    const error = configError(() =>
      loadGatewayConfig({
        ...base,
        TENANT_TOKENS: `${token}=acme-corporation-eu`,
        GRPC_ALLOW_PLAINTEXT: 'true',
      }),
    );
    expect(error.problems.join('\n')).toMatch(/TENANT_TOKENS: the token of entry 1 is shorter than 32/);
    expect(error.problems.join('\n')).toMatch(
      /CUSTOMER_REF_KEYS: no key for the tenant of TENANT_TOKENS entry 1/,
    );
    expect(error.message).not.toContain(token);
  });

  it('needs a strong customer-reference key for every tenant', () => {
    const env = { ...base, TENANT_TOKENS: `acme=${strong()},beta=${strong()}`, GRPC_ALLOW_PLAINTEXT: 'true' };
    const weak = 'k7Q2mX9pL4vB8nR1tY6w';
    const problems = configError(() =>
      loadGatewayConfig({ ...env, CUSTOMER_REF_KEYS: `acme=${weak}` }),
    ).problems.join('\n');
    expect(problems).toMatch(
      /CUSTOMER_REF_KEYS: .*key of the tenant of TENANT_TOKENS entry 1.*shorter than 32/,
    );
    expect(problems).toMatch(/CUSTOMER_REF_KEYS: no key for the tenant of TENANT_TOKENS entry 2/);
    expect(problems).not.toContain(weak);
    // Development pseudonymises with the published development key instead of refusing.
    const dev = loadGatewayConfig({ ...env, NODE_ENV: 'test' });
    expect(dev.settings.customerRefKeys.get('beta')).toBeDefined();
  });

  it('refuses a secret in two roles: a tenant token as a customer-reference key, the service-token key as the webhook key', () => {
    const token = strong();
    const gateway = configError(() =>
      loadGatewayConfig({
        ...base,
        TENANT_TOKENS: `acme=${token}`,
        CUSTOMER_REF_KEYS: `acme=${token}`,
        GRPC_ALLOW_PLAINTEXT: 'true',
      }),
    );
    expect(gateway.problems).toEqual([
      'CUSTOMER_REF_KEYS: the key of the tenant of TENANT_TOKENS entry 1 is also a tenant token: use a key of its own',
    ]);
    const key = strong();
    const routing = configError(() =>
      loadRoutingServiceConfig({
        ...base,
        ROUTING_WEBHOOK_URL: 'https://hooks.example/route',
        ROUTING_WEBHOOK_SECRET: key,
        SERVICE_TOKEN_SECRET: key,
        ROUTING_HISTORY_URL: 'https://store.internal:8090',
      }),
    );
    expect(routing.problems.join('\n')).toMatch(
      /ROUTING_WEBHOOK_SECRET: the same key as SERVICE_TOKEN_SECRET: the receiver could sign service or page tokens/,
    );
    expect(routing.problems.join('\n')).not.toContain(key);
  });

  it('holds Twilio auth tokens to the same bar, naming the account only', () => {
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    const twilio = (authToken: string) => ({
      ...base,
      TENANT_TOKENS: `acme=${strong()}`,
      CUSTOMER_REF_KEYS: `acme=${strong()}`,
      GRPC_ALLOW_PLAINTEXT: 'true',
      TWILIO_PORT: '8443',
      TWILIO_PUBLIC_URL: 'wss://ingest.example.com',
      TWILIO_ACCOUNTS: `${sid}=acme:${authToken}`,
    });
    const weak = 'abababababababababababababababab';
    const error = configError(() => loadGatewayConfig(twilio(weak)));
    expect(error.problems.join('\n')).toMatch(/TWILIO_ACCOUNTS: .*account AC0123.*distinct characters/);
    expect(error.message).not.toContain(weak);
    const token = 'f3c1a2b4d5e6f708192a3b4c5d6e7f80'; // a Twilio auth token: 32 hex digits
    expect(loadGatewayConfig(twilio(token)).twilio?.accounts.get(sid)?.tenant).toBe('acme');
  });

  it('holds AudioHook API keys and client secrets to the same bar, naming the organization only', () => {
    const org = 'd7934305-0972-4844-938e-9060eef73d05';
    const audiohook = (apiKey: string, clientSecret: string) => ({
      ...base,
      TENANT_TOKENS: `acme=${strong()}`,
      CUSTOMER_REF_KEYS: `acme=${strong()}`,
      GRPC_ALLOW_PLAINTEXT: 'true',
      AUDIOHOOK_PORT: '8444',
      AUDIOHOOK_ORGS: JSON.stringify({ [org]: { tenant: 'acme', apiKey, clientSecret } }),
    });
    const weakKey = 'abababababababababababababababab';
    const shortSecret = randomBytes(20).toString('base64');
    const error = configError(() => loadGatewayConfig(audiohook(weakKey, shortSecret)));
    const problems = error.problems.join('\n');
    expect(problems).toMatch(/AUDIOHOOK_ORGS: .*API key of organization d7934305.*distinct characters/);
    expect(problems).toMatch(/clientSecret decodes to fewer than 32 bytes/);
    expect(error.message).not.toContain(weakKey);
    expect(error.message).not.toContain(shortSecret);
    const ok = loadGatewayConfig(audiohook(strong(), randomBytes(32).toString('base64')));
    expect(ok.audiohook?.orgs.get(org)?.tenant).toBe('acme');
  });
});

describe('container image', () => {
  const dockerfile = readFileSync('deploy/Dockerfile', 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  it('runs in production mode and does not ship the demo users', () => {
    expect(runtime).toMatch(/ENV .*VA_MODE=production/);
    const copies = runtime.split('\n').filter((line) => /^COPY\b/.test(line));
    const configCopies = copies.filter((line) => /\bconfig\b/.test(line));
    // Only the rule files the services read at start: never demo-users.json, never config/ whole.
    expect(configCopies).toEqual([
      'COPY config/alert-rules.yaml ./config/alert-rules.yaml',
      'COPY config/routing-rules.yaml ./config/routing-rules.yaml',
    ]);
  });

  const ignored = readFileSync('.dockerignore', 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  /** The source files the runtime stage copies (services/ and pipelines/, less .dockerignore). */
  const shipped = (): string[] =>
    trackedSourceFiles().filter(
      (file) =>
        /^(services|pipelines)\//.test(file) &&
        !ignored.some((path) => file === path || file.startsWith(`${path}/`)),
    );

  it('ships no service that needs devkit/, which the image lacks (the simulator stays out)', () => {
    expect(ignored).toContain('services/simulator');
    const files = shipped();
    expect(files).toContain('services/emotion-classifier/main.ts');
    const needDevkit = files.filter((file) => /['"](\.\.\/)+devkit\//.test(readFileSync(file, 'utf8')));
    expect(needDevkit).toEqual([]);
  });

  it('runs no code that imports a dev dependency, which npm ci --omit=dev leaves out', () => {
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // The pages (services/*/web) are bundled by Vite in the web stage, uPlot with them.
    const imports = shipped()
      .filter((file) => !file.includes('/web/'))
      .flatMap((file) => packageImports(readFileSync(file, 'utf8')).map((name) => `${file}: ${name}`));
    expect(imports).toContain('services/shared/kafka-client.ts: kafkajs');
    expect(imports.filter((line) => !(line.split(': ')[1] in dependencies))).toEqual([]);
  });

  it('carries the kafkajs patch script, whose check every service runs at start', () => {
    expect(runtime).toContain('COPY scripts/patch-kafkajs.js ./scripts/patch-kafkajs.js');
  });

  it('carries NOTICE.md: the licences of the model, its data and the bundled code', () => {
    expect(runtime).toContain('COPY NOTICE.md ./NOTICE.md');
  });

  it('compose has no default secrets to fall back on', () => {
    const compose = readFileSync('docker-compose.yml', 'utf8');
    expect(compose).not.toContain(COMPOSE_SECRET);
    expect(compose).not.toContain(COMPOSE_TOKEN);
  });
});
