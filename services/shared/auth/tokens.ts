// Signed user tokens (JWT, jose), one format for every service: HS256 tokens issued by a login
// (the alert service's /api/login, the call store's /auth/login) under the shared JWT_SECRET, and
// optionally tokens of an external issuer checked through its JWKS. Claims (sub, role, tenant,
// agent_id, teams, name) become a Principal. I/O: only when a JWKS URL is configured (jose fetches
// and caches the key set).
import { randomUUID } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { CodedError } from '../../../pipelines/errors.ts';
import { verifyWithKeys } from './key-rotation.ts';
import { ROLES, type Principal } from './roles.ts';
import { lifetimeProblem, MAX_TOKEN_LIFETIME_S, REQUIRED_CLAIMS } from './token-lifetime.ts';
import { TENANT_CLAIM } from './tenant-claim.ts';
import { canonicalName } from '../call-metadata.ts';

export type AuthErrorCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'CLAIMS_INVALID' | 'TOKEN_REVOKED';

export class AuthError extends CodedError<AuthErrorCode> {}

/** The HS256 key and the claims a token of ours carries. */
export interface TokenOptions {
  /** HS256 key (JWT_SECRET, at least 32 bytes), the same in every service. */
  secret: Uint8Array;
  /** The key it replaced (JWT_PREVIOUS_SECRET) while a rotation is under way: verified, never signed with. */
  previousSecret?: Uint8Array;
  issuer: string;
  audience: string;
  /** TOKEN_TTL_S: the lifetime a login grants (verifiers accept up to the 7-day ceiling). */
  tokenTtlS?: number;
}

export interface AuthOptions extends TokenOptions {
  tokenTtlS: number;
  /** Optional external issuer whose tokens are accepted too (same claim names). */
  jwks?: { url: string; issuer: string; audience: string };
}

export interface VerifiedToken {
  principal: Principal;
  displayName: string;
  /** Unix ms when the token expires. */
  expiresAtMs: number;
  /** Unix ms of its `iat` (0 without one: older than any revocation of its user). */
  issuedAtMs: number;
  /** Its `jti` (a sign-out revokes this token alone), null when the issuer set none. */
  tokenId: string | null;
}

export interface Auth {
  issue(principal: Principal, displayName: string): Promise<string>;
  verify(token: string): Promise<VerifiedToken>;
}

const claims = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(ROLES),
  tenant: z.string().regex(TENANT_CLAIM),
  agent_id: z.string().max(64).optional(),
  teams: z.array(z.string().max(64)).max(100).optional(),
  name: z.string().max(100).optional(),
  exp: z.number(),
  iat: z.number().optional(),
  jti: z.string().min(1).max(128).optional(),
});

/** Issues a token; `displayName` becomes the `name` claim (the wallboard greets the user with it). */
export async function issueToken(
  options: TokenOptions,
  principal: Principal,
  ttlS = 3600,
  displayName?: string,
): Promise<string> {
  return (
    new SignJWT({
      role: principal.role,
      tenant: principal.tenant,
      ...(principal.agentId ? { agent_id: principal.agentId } : {}),
      teams: principal.teams,
      ...(displayName === undefined ? {} : { name: displayName }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userId)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      // Its id: a sign-out revokes this token alone (va.revocations.v1).
      .setJti(randomUUID())
      .setExpirationTime(`${ttlS}s`)
      .sign(options.secret)
  );
}

/** The token of an `Authorization: Bearer …` header (tokens are never read from URLs), else null. */
export function bearerToken(header: string | undefined): string | null {
  return /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header ?? '')?.[1] ?? null;
}

/** A verified payload, and whether an external issuer (JWKS) signed it. */
interface Verified {
  payload: JWTPayload;
  externalIssuer: string | null;
}

async function verifiedPayload(
  token: string,
  options: TokenOptions,
  external: { keys: JWTVerifyGetKey; issuer: string; audience: string } | null,
): Promise<Verified> {
  try {
    if (external && decodeJwt(token).iss === external.issuer) {
      const { issuer, audience } = external;
      const { payload } = await jwtVerify(token, external.keys, {
        issuer,
        audience,
        requiredClaims: REQUIRED_CLAIMS,
      });
      return { payload, externalIssuer: issuer };
    }
    const { payload } = await verifyWithKeys(options.secret, options.previousSecret, (key) =>
      jwtVerify(token, key, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['HS256'],
        // Without `exp` a leaked token would open the API forever.
        requiredClaims: REQUIRED_CLAIMS,
      }),
    );
    return { payload, externalIssuer: null };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new AuthError('TOKEN_EXPIRED', 'token expired');
    throw new AuthError('TOKEN_INVALID', 'token invalid');
  }
}

/**
 * An external issuer as its users' names carry it: the host of its URL (at most 60 characters),
 * so `<issuer>#<sub>` (sub ≤ 128) stays within the 200 characters an acknowledgement's author may
 * have in the call store (a full issuer URL pushed some past it: the store refused the record).
 */
function issuerName(issuer: string): string {
  let host = issuer;
  try {
    host = new URL(issuer).host || issuer;
  } catch {
    // Not a URL (ALERT_JWKS_ISSUER may be any string): the string itself.
  }
  return host.slice(0, 60);
}

/**
 * The claims' Principal. Fails closed where a claim's absence would widen access: a supervisor
 * without `teams` (an identity provider drops group claims past its limits) would read the whole
 * tenant, so whole-tenant supervisors carry `teams: []`; tenant `*` is an admin's only, and never
 * an external issuer's (every-tenant admins sign in here). An external issuer's users are named
 * `<issuer host>#<sub>`, so that its `sam` never acknowledges or reviews as the users file's `sam`.
 */
function principalOf({ payload, externalIssuer }: Verified): VerifiedToken {
  // The 7-day ceiling, not TOKEN_TTL_S: instances (and the two services) briefly disagree on
  // TOKEN_TTL_S while it changes, and a tighter bound then signed everyone out (review).
  const lifetime = lifetimeProblem(payload.exp, Date.now());
  if (lifetime) throw new AuthError('TOKEN_INVALID', lifetime);
  const c = claims.safeParse(payload);
  if (!c.success)
    throw new AuthError('CLAIMS_INVALID', `token claims invalid: ${c.error.issues[0].path.join('.')}`);
  if (c.data.role === 'agent' && !c.data.agent_id)
    throw new AuthError('CLAIMS_INVALID', 'agent token without agent_id');
  if (c.data.role === 'supervisor' && c.data.teams === undefined)
    throw new AuthError('CLAIMS_INVALID', 'supervisor token without teams ([] for the whole tenant)');
  if (c.data.tenant === '*' && (c.data.role !== 'admin' || externalIssuer !== null))
    throw new AuthError('CLAIMS_INVALID', 'tenant * is for admins signed in by this product only');
  checkIssuedAt(c.data.iat, c.data.exp, externalIssuer !== null);
  return {
    principal: {
      userId: externalIssuer === null ? c.data.sub : `${issuerName(externalIssuer)}#${c.data.sub}`,
      role: c.data.role,
      tenant: c.data.tenant,
      // As the calls and the users file keep them (an external issuer's, or an older token's, NFD
      // agent id saw none of its calls and was refused its own summary: review).
      agentId: c.data.agent_id ? canonicalName(c.data.agent_id) : null,
      teams: (c.data.teams ?? []).map(canonicalName),
    },
    displayName: c.data.name ?? c.data.sub,
    expiresAtMs: c.data.exp * 1000,
    issuedAtMs: (c.data.iat ?? 0) * 1000,
    tokenId: c.data.jti ?? null,
  };
}

/**
 * What a revocation needs of `iat` (revocations.ts): an external issuer's token must have one (a
 * sign-out without it revoked every later token of the user too), none may be issued in the
 * future beyond clock skew (it would outlive a revocation of its user), and none may live longer
 * than the ceiling from it (a 30-day token outlived the revocations, kept for the ceiling).
 */
function checkIssuedAt(iat: number | undefined, exp: number, external: boolean): void {
  if (iat === undefined) {
    if (external) throw new AuthError('CLAIMS_INVALID', 'token of an external issuer without iat');
    return;
  }
  if (iat * 1000 > Date.now() + CLOCK_SKEW_MS)
    throw new AuthError('TOKEN_INVALID', 'token issued in the future');
  if (exp - iat > MAX_TOKEN_LIFETIME_S)
    throw new AuthError('TOKEN_INVALID', 'token lives longer than 7 days');
}

/** Clocks of issuers and verifiers may differ by this much. */
const CLOCK_SKEW_MS = 60_000;

/** Verifies one of our HS256 tokens; throws AuthError (expired, invalid, claims invalid). */
export async function verifyToken(token: string, options: TokenOptions): Promise<VerifiedToken> {
  return principalOf(await verifiedPayload(token, options, null));
}

/** The issuer and verifier of a service with a login and, optionally, an external issuer. */
export function createAuth(options: AuthOptions): Auth {
  if (options.secret.length < 32 || (options.previousSecret && options.previousSecret.length < 32))
    throw new AuthError('TOKEN_INVALID', 'token secret must be at least 32 bytes');
  const external = options.jwks
    ? { ...options.jwks, keys: createRemoteJWKSet(new URL(options.jwks.url)) }
    : null;
  return {
    issue: (principal, displayName) => issueToken(options, principal, options.tokenTtlS, displayName),
    verify: async (token) => principalOf(await verifiedPayload(token, options, external)),
  };
}
