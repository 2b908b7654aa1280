// A SASL_SSL listener for the local broker, so the services' Kafka TLS and SASL settings
// (services/shared/kafka-security.ts) are tested against a real broker: a self-signed key pair made
// with the JDK's keytool (its certificate is the CA the client trusts), and SASL/PLAIN users. For
// tests only. I/O: runs keytool, writes files into `dir`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecureListenerOptions {
  /** SASL/PLAIN users the broker accepts: username → password. */
  users: Record<string, string>;
}

export interface SecureListener {
  /** The broker's certificate (PEM), to trust as the CA. */
  caFile: string;
  /** server.properties lines of the listener, given its port (listeners are set by the caller). */
  properties(port: number): string[];
}

function keytool(args: string[]): string {
  const result = spawnSync('keytool', args, { encoding: 'utf8' });
  if (result.error || result.status !== 0)
    throw new Error(
      `keytool ${args[0]} failed (the JDK's keytool is needed): ${result.stderr || result.error}`,
    );
  return result.stdout;
}

/** Writes the key store and the CA file into `dir`. */
export function createSecureListener(dir: string, options: SecureListenerOptions): SecureListener {
  const storeFile = join(dir, 'broker.p12');
  const password = randomBytes(12).toString('hex');
  keytool([
    '-genkeypair',
    '-alias',
    'broker',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '2',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-storetype',
    'PKCS12',
    '-keystore',
    storeFile,
    '-storepass',
    password,
  ]);
  const caFile = join(dir, 'broker-ca.pem');
  writeFileSync(
    caFile,
    keytool(['-exportcert', '-rfc', '-alias', 'broker', '-keystore', storeFile, '-storepass', password]),
  );
  const users = Object.entries(options.users)
    .map(([user, secret]) => `user_${user}="${secret}"`)
    .join(' ');
  return {
    caFile,
    properties: () => [
      'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`,
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.location=${storeFile}`,
      `ssl.keystore.password=${password}`,
      `ssl.key.password=${password}`,
    ],
  };
}
