// Token verification over real HTTP: the service's own HS256 tokens, and tokens of an external
// issuer whose key set is fetched from its JWKS URL; forged, expired or foreign tokens fail, and
// so do claims whose absence or form would widen access.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAuth } from '../../../services/shared/auth/tokens.ts';

const secret = new TextEncoder().encode('a-local-secret-of-at-least-32-bytes!!');

/** One of our own HS256 tokens with these claims (signed with `key`, expiring at `expires`). */
const ownToken = (claims: Record<string, unknown>, key = secret, expires: string | number = '5m') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('x')
    .setIssuer('va-alert-service')
    .setAudience('va-pages')
    .setExpirationTime(expires)
    .sign(key);

describe('token verification', () => {
  it('accepts its own tokens and an external issuer through JWKS, and rejects forgeries', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    const auth = createAuth({
      secret,
      issuer: 'va-alert-service',
      audience: 'va-pages',
      tokenTtlS: 600,
      jwks: { url, issuer: 'https://idp.example', audience: 'va' },
    });

    const own = await auth.issue(
      { userId: 'u1', role: 'agent', tenant: 'demo', agentId: 'agent-9', teams: ['t'] },
      'U One',
    );
    await expect(auth.verify(own)).resolves.toMatchObject({
      principal: { userId: 'u1', role: 'agent', agentId: 'agent-9' },
      displayName: 'U One',
    });

    const external = await new SignJWT({ role: 'supervisor', tenant: 'acme', teams: ['billing'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('sup@acme')
      .setIssuer('https://idp.example')
      .setAudience('va')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(auth.verify(external)).resolves.toMatchObject({
      // Named by its issuer: the identity provider's users are not the users file's.
      principal: {
        userId: 'idp.example#sup@acme',
        role: 'supervisor',
        tenant: 'acme',
        teams: ['billing'],
      },
    });
    const externalToken = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('someone')
        .setIssuer('https://idp.example')
        .setAudience('va')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    // A provider that drops the group claim must not open the whole tenant; nor may it name
    // an admin of every tenant.
    for (const claims of [
      { role: 'supervisor', tenant: 'acme' },
      { role: 'admin', tenant: '*' },
    ])
      await expect(auth.verify(await externalToken(claims))).rejects.toMatchObject({
        code: 'CLAIMS_INVALID',
      });
    await expect(
      auth.verify(await externalToken({ role: 'supervisor', tenant: 'acme', teams: [] })),
    ).resolves.toMatchObject({ principal: { tenant: 'acme', teams: [] } });
    // What a revocation needs (revocations.ts): an iat from an external issuer, none in the
    // future, and no token living past the 7-day ceiling from it.
    const signed = (iat: number | null, exp: number) => {
      const jwt = new SignJWT({ role: 'supervisor', tenant: 'acme', teams: [] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('someone')
        .setIssuer('https://idp.example')
        .setAudience('va')
        .setExpirationTime(exp);
      return (iat === null ? jwt : jwt.setIssuedAt(iat)).sign(privateKey);
    };
    const nowS = Math.floor(Date.now() / 1000);
    await expect(auth.verify(await signed(null, nowS + 300))).rejects.toMatchObject({
      code: 'CLAIMS_INVALID',
    });
    await expect(auth.verify(await signed(nowS + 3600, nowS + 7200))).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
      message: 'token issued in the future',
    });
    await expect(auth.verify(await signed(nowS - 30 * 86_400, nowS + 3600))).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
      message: 'token lives longer than 7 days',
    });

    await expect(auth.verify(own.slice(0, -3) + 'abc')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const expired = await ownToken(
      { role: 'admin', tenant: '*' },
      secret,
      Math.floor(Date.now() / 1000) - 60,
    );
    await expect(auth.verify(expired)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    const noAgentId = await ownToken({ role: 'agent', tenant: 'demo' });
    await expect(auth.verify(noAgentId)).rejects.toMatchObject({ code: 'CLAIMS_INVALID' });
    const otherKey = await ownToken(
      { role: 'admin', tenant: '*' },
      new TextEncoder().encode('another-secret-of-at-least-32-bytes!!!'),
    );
    await expect(auth.verify(otherKey)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('refuses own tokens whose claims would widen access', async () => {
    const auth = createAuth({ secret, issuer: 'va-alert-service', audience: 'va-pages', tokenTtlS: 600 });
    for (const claims of [
      { role: 'supervisor', tenant: 'demo' }, // no teams: was the whole tenant
      { role: 'supervisor', tenant: '*', teams: [] }, // every tenant is an admin's only
      { role: 'qa_reviewer', tenant: ' demo' }, // matched nothing, silently
      { role: 'qa_reviewer', tenant: 'Demo Corp' },
    ])
      await expect(auth.verify(await ownToken(claims))).rejects.toMatchObject({ code: 'CLAIMS_INVALID' });
    await expect(auth.verify(await ownToken({ role: 'admin', tenant: '*' }))).resolves.toMatchObject({
      principal: { tenant: '*' },
    });
  });
});
