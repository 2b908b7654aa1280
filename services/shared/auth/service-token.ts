// Service-to-service tokens from the alert and routing services to the call-store's internal
// routes (the live customer history). HS256 with SERVICE_TOKEN_SECRET (service-key.ts; without it
// the page-token key), a distinct audience and role: a page token never opens an internal route,
// and a service token never opens the QA API (whose audience it lacks). Short-lived. I/O: none
// (jose, in memory).
import { SignJWT, jwtVerify } from 'jose';
import { verifyWithKeys } from './key-rotation.ts';
import { lifetimeProblem, REQUIRED_CLAIMS } from './token-lifetime.ts';
import { bearerToken } from './tokens.ts';

export const SERVICE_AUDIENCE = 'va-call-store-internal';
export const SERVICE_ROLE = 'service';

export interface ServiceTokenOptions {
  secret: Uint8Array;
  /** The key it replaced (SERVICE_TOKEN_PREVIOUS_SECRET) during a rotation: verified only. */
  previousSecret?: Uint8Array;
  issuer: string;
}

export async function issueServiceToken(
  options: ServiceTokenOptions,
  service: string,
  ttlS = 300,
): Promise<string> {
  return new SignJWT({ role: SERVICE_ROLE })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(service)
    .setIssuer(options.issuer)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlS}s`)
    .sign(options.secret);
}

/** The calling service's name, or null when the header is not a valid service token. */
export async function verifyServiceToken(
  header: string | undefined,
  options: ServiceTokenOptions,
): Promise<string | null> {
  const token = bearerToken(header);
  if (token === null) return null;
  try {
    const { payload } = await verifyWithKeys(options.secret, options.previousSecret, (key) =>
      jwtVerify(token, key, {
        issuer: options.issuer,
        audience: SERVICE_AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: REQUIRED_CLAIMS,
      }),
    );
    if (payload.role !== SERVICE_ROLE || typeof payload.sub !== 'string') return null;
    return lifetimeProblem(payload.exp, Date.now()) === null ? payload.sub : null;
  } catch {
    return null;
  }
}
