// Signed tokens (JWT, jose): issues HS256 tokens for the demo login and verifies them, or tokens of
// an external issuer through its JWKS. Claims become a Principal (role, tenant, agent id, teams).
// I/O: only when a JWKS URL is configured (jose fetches and caches the key set).
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { z } from 'zod';
import { CodedError } from '../../pipelines/errors.ts';
import { ROLES, type Principal } from '../../pipelines/alerts/index.ts';
import { lifetimeProblem, REQUIRED_CLAIMS } from '../shared/token-lifetime.ts';

export type AuthErrorCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'CLAIMS_INVALID';

export class AuthError extends CodedError<AuthErrorCode> {}

export interface AuthOptions {
  /** HS256 key of the tokens this service issues (at least 32 bytes). */
  secret: Uint8Array;
  issuer: string;
  audience: string;
  tokenTtlS: number;
  /** Optional external issuer whose tokens are accepted too (same claim names). */
  jwks?: { url: string; issuer: string; audience: string };
}

export interface VerifiedToken {
  principal: Principal;
  displayName: string;
  /** Unix ms when the token expires. */
  expiresAtMs: number;
}

export interface Auth {
  issue(principal: Principal, displayName: string): Promise<string>;
  verify(token: string): Promise<VerifiedToken>;
}

const claims = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(ROLES),
  tenant: z.string().min(1).max(64),
  agent_id: z.string().max(64).optional(),
  teams: z.array(z.string().max(64)).max(100).optional(),
  name: z.string().max(100).optional(),
  exp: z.number(),
});

export function createAuth(options: AuthOptions): Auth {
  if (options.secret.length < 32)
    throw new AuthError('TOKEN_INVALID', 'token secret must be at least 32 bytes');
  const remote = options.jwks ? createRemoteJWKSet(new URL(options.jwks.url)) : null;
  return {
    async issue(principal, displayName) {
      return new SignJWT({
        role: principal.role,
        tenant: principal.tenant,
        ...(principal.agentId ? { agent_id: principal.agentId } : {}),
        teams: principal.teams,
        name: displayName,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt()
        .setExpirationTime(`${options.tokenTtlS}s`)
        .sign(options.secret);
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        const unverified = decodeJwt(token);
        if (remote && options.jwks && unverified.iss === options.jwks.issuer) {
          ({ payload } = await jwtVerify(token, remote, {
            issuer: options.jwks.issuer,
            audience: options.jwks.audience,
            requiredClaims: REQUIRED_CLAIMS,
          }));
        } else {
          ({ payload } = await jwtVerify(token, options.secret, {
            issuer: options.issuer,
            audience: options.audience,
            algorithms: ['HS256'],
            requiredClaims: REQUIRED_CLAIMS,
          }));
        }
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AuthError('TOKEN_EXPIRED', 'token expired');
        throw new AuthError('TOKEN_INVALID', 'token invalid');
      }
      const lifetime = lifetimeProblem(payload.exp, Date.now());
      if (lifetime) throw new AuthError('TOKEN_INVALID', lifetime);
      const c = claims.safeParse(payload);
      if (!c.success)
        throw new AuthError('CLAIMS_INVALID', `token claims invalid: ${c.error.issues[0].path.join('.')}`);
      if (c.data.role === 'agent' && !c.data.agent_id)
        throw new AuthError('CLAIMS_INVALID', 'agent token without agent_id');
      return {
        principal: {
          userId: c.data.sub,
          role: c.data.role,
          tenant: c.data.tenant,
          agentId: c.data.agent_id ?? null,
          teams: c.data.teams ?? [],
        },
        displayName: c.data.name ?? c.data.sub,
        expiresAtMs: c.data.exp * 1000,
      };
    },
  };
}
