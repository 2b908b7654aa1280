// Bearer-token auth of the QA API: HS256 JWTs with the alert service's claim names (sub, role,
// tenant, agent_id, teams, name) plus the qa_reviewer role, turned into a query Scope. Tokens are
// read from the Authorization header only, never from the URL. I/O: none (jose verifies in memory).
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { lifetimeProblem, REQUIRED_CLAIMS } from '../../shared/token-lifetime.ts';
import { StoreError } from '../errors.ts';
import type { Scope } from '../store/scope.ts';

export const QA_ROLES = ['agent', 'supervisor', 'admin', 'qa_reviewer'] as const;
export type QaRole = (typeof QA_ROLES)[number];

export interface QaPrincipal {
  userId: string;
  role: QaRole;
  /** '*' = an admin of every tenant. */
  tenant: string;
  agentId: string | null;
  /** Teams of the user (alert-service `teams` claim); a supervisor with teams sees only theirs. */
  teams?: string[];
}

export interface TokenOptions {
  /** HS256 key shared with the alert service (at least 32 bytes). */
  secret: Uint8Array;
  issuer: string;
  audience: string;
}

const claims = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(QA_ROLES),
  tenant: z.string().min(1).max(64),
  agent_id: z.string().min(1).max(64).optional(),
  teams: z.array(z.string().max(64)).max(100).optional(),
  exp: z.number(),
});

export async function verifyBearer(header: string | undefined, options: TokenOptions): Promise<QaPrincipal> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header ?? '');
  if (!match) throw new StoreError('UNAUTHENTICATED', 'missing or malformed bearer token');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(match[1], options.secret, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ['HS256'],
      // Without `exp` a leaked token would open the QA API forever.
      requiredClaims: REQUIRED_CLAIMS,
    }));
  } catch (error) {
    const expired = error instanceof joseErrors.JWTExpired;
    throw new StoreError('UNAUTHENTICATED', expired ? 'token expired' : 'token invalid');
  }
  const lifetime = lifetimeProblem((payload as { exp?: unknown }).exp, Date.now());
  if (lifetime) throw new StoreError('UNAUTHENTICATED', lifetime);
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw new StoreError('UNAUTHENTICATED', 'token claims invalid');
  const c = parsed.data;
  if (c.role === 'agent' && !c.agent_id)
    throw new StoreError('UNAUTHENTICATED', 'agent token without agent_id');
  return { userId: c.sub, role: c.role, tenant: c.tenant, agentId: c.agent_id ?? null, teams: c.teams ?? [] };
}

/**
 * Agents read their own calls; QA reviewers their tenant; supervisors their tenant, or only their
 * teams' calls when their user lists teams (the alert service's rule); admins theirs or all.
 */
export function scopeOf(principal: QaPrincipal, requestedTenant?: string): Scope {
  if (principal.role === 'admin' && principal.tenant === '*') {
    return { tenant: requestedTenant ?? null, agentId: null, teams: null };
  }
  if (requestedTenant !== undefined && requestedTenant !== principal.tenant) {
    throw new StoreError('FORBIDDEN', `no access to tenant ${requestedTenant}`);
  }
  const teams = principal.role === 'supervisor' && principal.teams?.length ? [...principal.teams] : null;
  return { tenant: principal.tenant, agentId: principal.role === 'agent' ? principal.agentId : null, teams };
}

export function mayReview(principal: QaPrincipal): boolean {
  return principal.role !== 'agent';
}

/** Issues a token (tests, benchmarks and the demo; production tokens come from the login service). */
export async function issueToken(
  options: TokenOptions,
  principal: QaPrincipal,
  ttlS = 3600,
): Promise<string> {
  return new SignJWT({
    role: principal.role,
    tenant: principal.tenant,
    ...(principal.agentId ? { agent_id: principal.agentId } : {}),
    ...(principal.teams?.length ? { teams: principal.teams } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlS}s`)
    .sign(options.secret);
}
