// The call-store's internal routes, for other services only (service token of the tenant asked
// about, shared/auth/service-token.ts):
// GET /internal/customers/:ref/history?tenant=&excludeCallId= → the live history summary and line
// the alert-service shows when a call starts. Not in the QA API's OpenAPI surface for pages; the
// pseudonym in the path is never logged nor used as a metric label. Pure routing; I/O via the store.
import { verifyServiceToken, type ServiceTokenOptions } from '../../shared/auth/service-token.ts';
import { StoreError } from '../errors.ts';
import { parseHistorySummaryQuery } from '../store/history.ts';
import type { CallStore } from '../store.ts';
import type { ApiResponse } from './routes.ts';

const HISTORY = /^\/internal\/customers\/([^/]{1,200})\/history$/;

export function isInternalPath(path: string): boolean {
  return path.startsWith('/internal/');
}

export async function handleInternal(
  method: string,
  path: string,
  query: Record<string, string>,
  authorization: string | undefined,
  store: CallStore,
  tokens: ServiceTokenOptions,
): Promise<ApiResponse> {
  const match = HISTORY.exec(path);
  if (!match) throw new StoreError('NOT_FOUND', 'no such internal route');
  if (method !== 'GET')
    throw new StoreError('METHOD_NOT_ALLOWED', `${method} not allowed`, [], { allow: ['GET'] });
  const caller = await verifyServiceToken(authorization, tokens);
  if (caller === null) throw new StoreError('UNAUTHENTICATED', 'service token required');
  const q = parseHistorySummaryQuery(query);
  // The token names the tenant it was issued for; another tenant's history is not its to read.
  if (q.tenant !== caller.tenant) throw new StoreError('FORBIDDEN', "the service token is not this tenant's");
  const summary = await store.historySummary(q.tenant, match[1], {
    excludeCallId: q.excludeCallId,
    windowDays: q.windowDays,
    previousRef: q.previousRef,
    previousCallId: q.previousCallId,
  });
  return { status: 200, body: summary };
}
