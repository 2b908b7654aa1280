// A token without `exp` (or one that lives for years) is refused by both
// verifiers — the call store's QA API and the alert service — even when correctly signed: with
// the compose key, role admin and tenant '*' it would be a cross-tenant key that never expires.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyBearer } from '../../../../../services/call-store/http/auth.ts';
import { createAuth, issueToken } from '../../../../../services/shared/auth/tokens.ts';

const SECRET = new TextEncoder().encode('change-me-a-shared-secret-of-32-chars-or-more');
const OPTIONS = { secret: SECRET, issuer: 'va-alert-service', audience: 'va-pages' };

function adminToken(exp?: number | string): Promise<string> {
  const jwt = new SignJWT({ role: 'admin', tenant: '*' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('mallory')
    .setIssuer(OPTIONS.issuer)
    .setAudience(OPTIONS.audience)
    .setIssuedAt();
  return (exp === undefined ? jwt : jwt.setExpirationTime(exp)).sign(SECRET);
}

describe('token expiry', () => {
  it('call store: refuses a signed admin token without exp', async () => {
    const token = await adminToken();
    await expect(verifyBearer(`Bearer ${token}`, OPTIONS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('call store: refuses a token that expires in ten years, accepts one of an hour', async () => {
    await expect(verifyBearer(`Bearer ${await adminToken('3650d')}`, OPTIONS)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const ok = await issueToken(OPTIONS, {
      userId: 'a',
      role: 'admin',
      tenant: '*',
      agentId: null,
      teams: [],
    });
    await expect(verifyBearer(`Bearer ${ok}`, OPTIONS)).resolves.toMatchObject({ role: 'admin' });
  });

  it('alert service: refuses tokens without exp or with years of life', async () => {
    const auth = createAuth({ ...OPTIONS, tokenTtlS: 3600 });
    await expect(auth.verify(await adminToken())).rejects.toMatchObject({ name: 'AuthError' });
    await expect(auth.verify(await adminToken('3650d'))).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(auth.verify(await adminToken('1h'))).resolves.toMatchObject({
      principal: { role: 'admin', tenant: '*' },
    });
  });
});
