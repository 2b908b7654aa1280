// Service-to-service tokens from the alert and routing services to the call-store's internal
// routes (the live customer history). HS256 with SERVICE_TOKEN_SECRET (service-key.ts; without it
// the page-token key), a distinct audience and role: a page token never opens an internal route,
// and a service token never opens the QA API (whose audience it lacks). Short-lived, and bound to
// the one tenant it asks for (claim `tenant`): a token that leaks (a proxy's log, a heap dump)
// reads that tenant's history lines for its 5 minutes, not every tenant's. I/O: none (jose, in
// memory).
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

/** Who presents a valid service token: the calling service, and the tenant it may ask about. */
export interface ServiceCaller {
  service: string;
  tenant: string;
}

export async function issueServiceToken(
  options: ServiceTokenOptions,
  service: string,
  tenant: string,
  ttlS = 300,
): Promise<string> {
  return new SignJWT({ role: SERVICE_ROLE, tenant })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(service)
    .setIssuer(options.issuer)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlS}s`)
    .sign(options.secret);
}

/**
 * The calling service and its tenant, or null when the header is not a valid service token (one
 * without a tenant, as issued before tokens were bound to one, included).
 */
export async function verifyServiceToken(
  header: string | undefined,
  options: ServiceTokenOptions,
): Promise<ServiceCaller | null> {
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
    const { role, sub, tenant } = payload;
    if (role !== SERVICE_ROLE || typeof sub !== 'string' || typeof tenant !== 'string' || tenant === '')
      return null;
    return lifetimeProblem(payload.exp, Date.now()) === null ? { service: sub, tenant } : null;
  } catch {
    return null;
  }
}
