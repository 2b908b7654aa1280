// Whether a service may call the call store's history route over plain http. Each lookup carries
// a service token (a bearer credential for one tenant's history, shared/auth/service-token.ts) and
// answers with a customer's call counts: production refuses an http:// URL, as it refuses
// plaintext Kafka and PostgreSQL, unless `<NAME>_ALLOW_PLAINTEXT=true` (ALERT_HISTORY_URL →
// ALERT_HISTORY_ALLOW_PLAINTEXT) says TLS ends in front of the store (a mesh's mTLS, a proxy) or
// the network is private; a warning is logged then. A loopback host (a sidecar proxy in the same
// pod) crosses no network. Pure.

export interface HistoryUrlCheck {
  problems: string[];
  warnings: string[];
}

export function checkHistoryUrl(options: {
  variable: string;
  url: string | undefined;
  allowPlaintext: boolean;
  production: boolean;
}): HistoryUrlCheck {
  const { variable, url, allowPlaintext, production } = options;
  if (!production || url === undefined) return { problems: [], warnings: [] };
  const parsed = new URL(url); // the variable's own URL check ran before
  if (parsed.protocol !== 'http:' || isLoopback(parsed.hostname)) return { problems: [], warnings: [] };
  const allow = historyPlaintextVariable(variable);
  if (allowPlaintext)
    return { problems: [], warnings: [`plain-http history lookups allowed by ${allow}=true`] };
  return {
    problems: [
      `${variable}: production needs https to the call store (lookups carry service tokens and ` +
        `customers' history), or ${allow}=true where TLS ends in front of it or the network is private`,
    ],
    warnings: [],
  };
}

/** ALERT_HISTORY_URL → ALERT_HISTORY_ALLOW_PLAINTEXT. */
export function historyPlaintextVariable(variable: string): string {
  return variable.replace(/_URL$/, '_ALLOW_PLAINTEXT');
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
