// The gateway's TLS certificate and key, read again when their files change: cert-manager renews
// the Secret and the kubelet swaps the mounted files, and every listener (gRPC and the WebSocket
// adapters) then serves the new pair to new connections without a restart; live calls keep the
// connection they have. Read once at start, a renewed certificate was never served and every
// telephony connection failed once the old one expired. A pair that does not load (a renewal
// caught half-written, a key of another certificate) is reported and the pair in use kept.
// I/O: reads the two files on a timer.
import * as grpc from '@grpc/grpc-js';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Server as HttpsServer } from 'node:https';

export interface TlsPair {
  certChain: Buffer;
  privateKey: Buffer;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsIdentity {
  current(): TlsPair;
  /** Called with each new pair once it loaded. */
  onChange(listener: (pair: TlsPair) => void): void;
  /** The certificate's end of validity (ms since the epoch). */
  notAfterMs(): number;
  stop(): void;
}

/** Why a certificate and key do not make a pair (each line names the variable), or []. */
export function tlsPairProblems(pair: TlsPair): string[] {
  const problems: string[] = [];
  let key: KeyObject | undefined;
  let cert: X509Certificate | undefined;
  try {
    key = createPrivateKey(pair.privateKey);
  } catch {
    problems.push('TLS_KEY_FILE: not an unencrypted PEM private key');
  }
  try {
    cert = new X509Certificate(pair.certChain);
  } catch {
    problems.push('TLS_CERT_FILE: not a PEM certificate');
  }
  if (key && cert && !cert.checkPrivateKey(key))
    problems.push("TLS_KEY_FILE: not the private key of TLS_CERT_FILE's certificate");
  if (problems.length > 0) return problems;
  // What the listeners will build from it: the whole chain (an intermediate cut short passes the
  // checks above) and OpenSSL's own rules (a key too small for its security level).
  try {
    createSecureContext({ cert: pair.certChain, key: pair.privateKey });
  } catch (error) {
    problems.push(
      `TLS_CERT_FILE: OpenSSL refuses the certificate chain or key (${(error as Error).message})`,
    );
  }
  return problems;
}

const notAfterOf = (pair: TlsPair): number => Date.parse(new X509Certificate(pair.certChain).validTo);

const samePair = (a: TlsPair, b: TlsPair): boolean =>
  a.certChain.equals(b.certChain) && a.privateKey.equals(b.privateKey);

export function watchTlsIdentity(
  files: TlsFiles,
  initial: TlsPair,
  options: {
    intervalMs: number;
    onProblem: (problem: string) => void;
    /** More reasons to refuse a renewal (production: the repository's published test pair). */
    refuse?: (pair: TlsPair) => string[];
  },
): TlsIdentity {
  let pair = initial;
  let notAfterMs = notAfterOf(initial);
  // The contents, not the files' times: two small files a minute, and a renewal read while half
  // written, or unreadable for a moment, is simply read again on the next tick.
  let refused: TlsPair | null = null;
  const listeners: ((pair: TlsPair) => void)[] = [];
  const check = (): void => {
    let next: TlsPair;
    try {
      next = { certChain: readFileSync(files.certFile), privateKey: readFileSync(files.keyFile) };
    } catch (error) {
      options.onProblem(`cannot read the TLS files: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      return;
    }
    if (samePair(next, pair) || (refused && samePair(next, refused))) return;
    const problems = [...tlsPairProblems(next), ...(options.refuse?.(next) ?? [])];
    if (problems.length > 0) {
      refused = next; // said once per bad pair, not every tick
      options.onProblem(
        `renewed TLS files not used (${problems.join('; ')}): the certificate in use is kept`,
      );
      return;
    }
    pair = next;
    notAfterMs = notAfterOf(next);
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        options.onProblem(`a listener could not take the renewed certificate: ${(error as Error).message}`);
      }
    }
  };
  const timer = setInterval(check, options.intervalMs);
  timer.unref();
  return {
    current: () => pair,
    onChange: (listener) => void listeners.push(listener),
    notAfterMs: () => notAfterMs,
    stop: () => clearInterval(timer),
  };
}

/**
 * gRPC server credentials that follow the identity: grpc-js rebuilds its secure context from a
 * certificate provider's updates (its experimental API; the provider here is the identity).
 */
export function grpcCredentials(identity: TlsIdentity): grpc.ServerCredentials {
  type Listener = (update: { certificate: Buffer; privateKey: Buffer } | null) => void;
  const listeners = new Set<Listener>();
  const update = (pair: TlsPair) => ({ certificate: pair.certChain, privateKey: pair.privateKey });
  identity.onChange((pair) => {
    for (const listener of listeners) listener(update(pair));
  });
  const provider: grpc.experimental.CertificateProvider = {
    addCaCertificateListener: () => undefined,
    removeCaCertificateListener: () => undefined,
    addIdentityCertificateListener(listener) {
      listeners.add(listener);
      // After the call returns: grpc-js adds its server's watcher only after this, and an update
      // given synchronously reached no watcher (every connection was dropped as "unloaded").
      queueMicrotask(() => listener(update(identity.current())));
    },
    removeIdentityCertificateListener: (listener) => void listeners.delete(listener),
  };
  // grpc-js 1.14 passes its first argument on as the identity provider (no CA: no client certificates).
  return grpc.experimental.createCertificateProviderServerCredentials(provider, null, false);
}

/** An https server of a WebSocket adapter, made with the identity's pair and following it. */
export function followingIdentity<S extends HttpsServer>(
  identity: TlsIdentity,
  create: (tls: { cert: Buffer; key: Buffer }) => S,
): S {
  const { certChain, privateKey } = identity.current();
  const server = create({ cert: certChain, key: privateKey });
  identity.onChange((pair) => server.setSecureContext({ cert: pair.certChain, key: pair.privateKey }));
  return server;
}
