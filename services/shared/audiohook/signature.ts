// HTTP Message Signatures (RFC 9421) as Genesys Cloud AudioHook signs its WebSocket upgrade: one
// signature, alg hmac-sha256 keyed with the base64-decoded client secret, keyid = the API key,
// covering @request-target, @authority and the audiohook-organization-id, audiohook-session-id,
// audiohook-correlation-id and x-api-key headers, with created, expires and a nonce (AudioHook
// protocol specification, "Authentication"; the reference implementation's verifier,
// purecloudlabs/audiohook-reference-implementation app/audiohook/src/httpsignature). Verifies and
// (for clients and tests) signs. Replay is checked by the caller (replay-guard.ts). Pure.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  StructuredFieldError,
  type InnerList,
  type Member,
} from './structured-fields.ts';

/** What the server knows of the upgrade request. Header names lower-case, as node gives them. */
export interface SignedRequest {
  /** Path and query as requested (`@request-target`, RFC 9421 section 2.2.5). */
  target: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export const AUDIOHOOK_SIGNED_COMPONENTS = [
  '@request-target',
  '@authority',
  'audiohook-organization-id',
  'audiohook-session-id',
  'audiohook-correlation-id',
  'x-api-key',
] as const;

export type SignatureFailure =
  'MISSING_SIGNATURE' | 'BAD_SIGNATURE_INPUT' | 'UNSUPPORTED_SIGNATURE' | 'STALE_SIGNATURE' | 'BAD_SIGNATURE';

export type VerifyResult =
  | { ok: true; nonce: string; createdS: number; expiresS: number | null }
  | { ok: false; code: SignatureFailure; reason: string };

export interface VerifyOptions {
  /** The HMAC key: the organisation's client secret, base64-decoded. */
  key: Uint8Array;
  /** The API key the request carries; the signature's keyid must name it. */
  apiKey: string;
  nowS: number;
  /** A signature created longer ago than this is stale (AUDIOHOOK_MAX_SIGNATURE_AGE_S). */
  maxAgeS: number;
}

/** Clock difference tolerated between Genesys and us (the reference verifier's MAX_CLOCK_SKEW). */
export const CLOCK_SKEW_S = 3;

const fail = (code: SignatureFailure, reason: string): VerifyResult => ({ ok: false, code, reason });

/** A header's value as RFC 9421 section 2.1 canonicalises it: trimmed, multiple values joined. */
function headerValue(headers: SignedRequest['headers'], name: string): string | null {
  const raw = headers[name];
  if (raw === undefined) return null;
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim().replace(/[ \t]*\r\n[ \t]+/g, ' '));
  return values.join(', ');
}

function componentValue(request: SignedRequest, name: string): string | null {
  if (name === '@request-target') return request.target;
  if (name === '@authority') return headerValue(request.headers, 'host')?.toLowerCase() ?? null;
  if (name.startsWith('@')) return null; // other derived components: not what AudioHook signs
  return headerValue(request.headers, name);
}

/** The signature base of RFC 9421 section 2.5 for an Inner List of covered components. */
export function signatureBase(request: SignedRequest, input: InnerList): string | null {
  const lines: string[] = [];
  for (const item of input.items) {
    if (typeof item.value !== 'string' || item.params.length > 0) return null;
    const value = componentValue(request, item.value);
    if (value === null) return null;
    lines.push(`"${item.value}": ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(input)}`);
  return lines.join('\n');
}

const hmac = (key: Uint8Array, base: string): Buffer =>
  createHmac('sha256', key).update(base, 'utf8').digest();

function dictionary(request: SignedRequest, name: string): Map<string, Member> | null {
  const value = headerValue(request.headers, name);
  return value === null ? null : parseDictionary(value);
}

/** Verifies the request's (first) signature; never throws. */
export function verifyAudioHookSignature(request: SignedRequest, options: VerifyOptions): VerifyResult {
  let inputs: Map<string, Member> | null;
  let signatures: Map<string, Member> | null;
  try {
    inputs = dictionary(request, 'signature-input');
    signatures = dictionary(request, 'signature');
  } catch (error) {
    const reason = error instanceof StructuredFieldError ? error.message : 'unparsable';
    return fail('BAD_SIGNATURE_INPUT', `signature headers: ${reason}`);
  }
  if (!inputs || !signatures || inputs.size === 0)
    return fail('MISSING_SIGNATURE', 'no signature-input/signature');
  const [label, input] = [...inputs][0];
  const signature = signatures.get(label);
  if (!isInnerList(input)) return fail('BAD_SIGNATURE_INPUT', 'signature-input is not an inner list');
  if (!signature || isInnerList(signature) || !(signature.value instanceof Uint8Array))
    return fail('BAD_SIGNATURE_INPUT', `no byte-sequence signature labelled ${label.slice(0, 20)}`);
  const params = new Map(input.params);
  const str = (key: string): string | null => {
    const v = params.get(key);
    return typeof v === 'string' ? v : null;
  };
  const int = (key: string): number | null => {
    const v = params.get(key);
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
  };
  const alg = params.has('alg') ? str('alg') : 'hmac-sha256';
  if (alg !== 'hmac-sha256') return fail('UNSUPPORTED_SIGNATURE', 'alg must be hmac-sha256');
  const covered = new Set(input.items.map((i) => i.value));
  const missing = AUDIOHOOK_SIGNED_COMPONENTS.filter((c) => !covered.has(c));
  if (missing.length > 0)
    return fail('BAD_SIGNATURE_INPUT', `the signature does not cover ${missing.join(', ')}`);
  const keyid = str('keyid');
  const nonce = str('nonce');
  const created = int('created');
  const expires = params.has('expires') ? int('expires') : null;
  if (
    keyid === null ||
    nonce === null ||
    nonce === '' ||
    created === null ||
    (params.has('expires') && expires === null)
  )
    return fail('BAD_SIGNATURE_INPUT', 'keyid, nonce and created are required (strings, integer)');
  if (created > options.nowS + CLOCK_SKEW_S) return fail('STALE_SIGNATURE', 'created is in the future');
  if (created + options.maxAgeS < options.nowS - CLOCK_SKEW_S)
    return fail('STALE_SIGNATURE', 'created too long ago');
  if (expires !== null && expires < options.nowS - CLOCK_SKEW_S) return fail('STALE_SIGNATURE', 'expired');
  const base = signatureBase(request, input);
  if (base === null) return fail('BAD_SIGNATURE_INPUT', 'a covered component is missing from the request');
  const expected = hmac(options.key, base);
  const given = Buffer.from(signature.value);
  // Compare in constant time first, then the keyid: no shortcut tells which part was wrong.
  const macOk = given.length === expected.length && timingSafeEqual(given, expected);
  const keyidOk = keyid === options.apiKey;
  if (!macOk || !keyidOk) return fail('BAD_SIGNATURE', 'the signature does not verify');
  return { ok: true, nonce, createdS: created, expiresS: expires };
}

export interface SignParameters {
  apiKey: string;
  key: Uint8Array;
  nonce: string;
  createdS: number;
  expiresS: number;
  label?: string;
}

/** Signs a request as Genesys does (tests, the load client): the two header values. */
export function signAudioHookRequest(
  request: SignedRequest,
  p: SignParameters,
): { 'signature-input': string; signature: string } {
  const input: InnerList = {
    items: AUDIOHOOK_SIGNED_COMPONENTS.map((value) => ({ value, params: [] })),
    params: [
      ['keyid', p.apiKey],
      ['nonce', p.nonce],
      ['alg', 'hmac-sha256'],
      ['created', p.createdS],
      ['expires', p.expiresS],
    ],
  };
  const base = signatureBase(request, input);
  if (base === null) throw new Error('the request lacks a header AudioHook signs');
  const label = p.label ?? 'sig1';
  return {
    'signature-input': `${label}=${serializeInnerList(input)}`,
    signature: `${label}=:${hmac(p.key, base).toString('base64')}:`,
  };
}
