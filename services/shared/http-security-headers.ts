// Security headers of the product's HTTP answers, written once: pages may load only their own
// scripts, styles and WebSocket, may not be framed by another site (clickjacking: a framed
// wallboard's Acknowledge button could be clicked through an overlay), and send no referrer;
// JSON and text answers are data, never rendered or sniffed. Pure.

const PAGE_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** Headers of a page; `styleSource` is the page's style-src list. */
export function pageHeaders(styleSource: string): Record<string, string> {
  return { ...COMMON, 'content-security-policy': [...PAGE_POLICY, `style-src ${styleSource}`].join('; ') };
}

/** Headers of an API answer (JSON, text): nothing in it is a page. */
export const API_HEADERS: Record<string, string> = {
  ...COMMON,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
