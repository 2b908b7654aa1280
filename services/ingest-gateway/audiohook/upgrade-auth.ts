// Authentication of an AudioHook WebSocket upgrade (AudioHook protocol specification,
// "Authentication"): the organisation id header names a configured organisation, X-API-Key is
// its API key, and the request carries a valid HTTP Message Signature (signature.ts) made with
// its client secret, not stale and never seen before (replay-guard.ts). Session and correlation
// ids must be UUIDs. Returns the organisation or the HTTP refusal with a stable code. Pure.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UUID, type AudioHookConfig, type AudioHookOrg } from './config.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { verifyAudioHookSignature } from '../../shared/audiohook/signature.ts';

export type UpgradeRefusal = { status: 400 | 401; code: string; reason: string };
export type UpgradeAuth = { org: AudioHookOrg; sessionId: string } | UpgradeRefusal;

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function authenticateUpgrade(
  request: IncomingMessage,
  config: AudioHookConfig,
  replays: ReplayGuard,
  nowMs: number,
): UpgradeAuth {
  const orgId = header(request, 'audiohook-organization-id')?.toLowerCase();
  const sessionId = header(request, 'audiohook-session-id')?.toLowerCase();
  const correlationId = header(request, 'audiohook-correlation-id');
  if (!orgId || !UUID.test(orgId) || !sessionId || !UUID.test(sessionId) || !correlationId)
    return {
      status: 400,
      code: 'MISSING_AUDIOHOOK_HEADERS',
      reason:
        'audiohook-organization-id, audiohook-session-id (UUIDs) and audiohook-correlation-id are required',
    };
  const apiKey = header(request, 'x-api-key');
  if (!apiKey) return { status: 401, code: 'MISSING_API_KEY', reason: 'no X-API-Key' };
  const org = config.orgs.get(orgId);
  // Unknown organisation or wrong key: one answer, so the refusal does not confirm an org id.
  if (!org || !timingSafeEqual(digest(org.apiKey), digest(apiKey)))
    return { status: 401, code: 'BAD_API_KEY', reason: 'unknown organization or API key' };
  const verified = verifyAudioHookSignature(
    { target: request.url ?? '/', headers: request.headers },
    {
      key: org.signingKey,
      apiKey: org.apiKey,
      nowS: Math.floor(nowMs / 1000),
      maxAgeS: config.maxSignatureAgeS,
    },
  );
  if (!verified.ok) return { status: 401, code: verified.code, reason: verified.reason };
  // The nonce is remembered as long as the signature could pass the age check.
  const validUntilMs = (verified.createdS + config.maxSignatureAgeS + 60) * 1000;
  if (!replays.firstUse(org.id, verified.nonce, validUntilMs, nowMs))
    return { status: 401, code: 'REPLAYED_SIGNATURE', reason: 'this signature nonce was already used' };
  return { org, sessionId };
}
