// Twilio's request signature (X-Twilio-Signature): base64(HMAC-SHA1(auth token, the full URL
// Twilio requested + each POST parameter's name and value in name order)). A Media Streams
// WebSocket upgrade is a GET: the URL with its query string, no parameters. Pure.
// Source: Twilio "Webhooks security" docs and the helper libraries' RequestValidator, which also
// accept the URL with the scheme's default port added or removed (proxies differ on that).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>> = {},
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL as given, without and with its scheme's default port (443 / 80). */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  const defaultPort = secure ? '443' : '80';
  // URL drops a default port itself: rebuild both spellings from the raw authority.
  const match = /^([a-z]+:\/\/)([^/?#]+)(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme, authority, rest] = match;
  const host = authority.replace(/:\d+$/, '');
  const port = /:(\d+)$/.exec(authority)?.[1];
  if (port !== undefined && port !== defaultPort) return [url];
  return [`${scheme}${host}${rest}`, `${scheme}${host}:${defaultPort}${rest}`];
}

/** True when `signature` is Twilio's for this URL (and parameters); constant time per candidate. */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  signature: string,
  params: Readonly<Record<string, string>> = {},
): boolean {
  const given = Buffer.from(signature, 'utf8');
  let ok = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
