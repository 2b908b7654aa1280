// The QA API's routes: path + method → handler over the CallStore, with every query and body
// validated (precise 400s) and the caller's scope applied. Pure routing; I/O through the store.
import { z } from 'zod';
import { StoreError, issueLines } from '../errors.ts';
import { parseAgentSummaryQuery } from '../store/agents.ts';
import { parseSearchQuery, queryTime } from '../store/search.ts';
import { parseSurveyCsv } from '../store/survey-csv.ts';
import { csvSurveyRows, jsonSurveyRows } from '../store/surveys.ts';
import type { CallStore } from '../store.ts';
import { callForViewer, seesReviews, timelineForViewer, visibleAlerts } from './audience.ts';
import { mayReview, type Principal } from '../../shared/auth/roles.ts';
import { scopeOf } from './auth.ts';
import { canonicalName, CONTROL_CHARACTER } from '../../shared/call-metadata.ts';

/** A tenant name as every record carries it (services/shared/audio-chunk-limits.ts), never empty. */
const TENANT_NAME = /^[\w.-]{1,64}$/;

/** The retention routes' checks: admins only, of a tenant name (in their scope). */
function retentionTenant(req: ApiRequest, tenant: string): void {
  if (req.principal.role !== 'admin') throw new StoreError('FORBIDDEN', 'only admins set retention');
  // A name no call can carry (`*`, a zero-width space, 200 characters) was stored with 200:
  // the real tenant stayed on the default and nobody was told.
  if (!TENANT_NAME.test(tenant))
    throw new StoreError('INVALID_QUERY', 'invalid tenant', [
      'tenant: not a tenant name (1-64 characters of A-Z a-z 0-9 _ . -)',
    ]);
  scopeOf(req.principal, tenant);
}

/** The erasure routes' checks (and the audit's): admins only, of one tenant (named by an admin of every tenant). */
function erasureTenant(req: ApiRequest, what: 'customers' | 'calls' | 'agents' | 'audit'): string {
  if (req.principal.role !== 'admin')
    throw new StoreError(
      'FORBIDDEN',
      what === 'audit' ? 'only admins read the erasure audit' : `only admins erase ${what}`,
    );
  const q = parseWith(tenantOnly, req.query, 'INVALID_QUERY');
  const tenant = scopeOf(req.principal, q.tenant).tenant;
  if (tenant === null)
    throw new StoreError('INVALID_QUERY', 'invalid query', ['tenant: required for an admin of every tenant']);
  return tenant;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (POST only). */
  body: unknown;
  principal: Principal;
}

export interface ApiResponse {
  status: number;
  /** JSON unless `contentType` says otherwise. */
  body: unknown;
  contentType?: string;
  filename?: string;
}

type Handler = (req: ApiRequest, params: string[], store: CallStore) => Promise<ApiResponse>;

/** A text/csv body, as the server hands it to a route that takes CSV (never made from JSON). */
export class CsvBody {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A route whose body may be larger than the default, or CSV (given to the handler as CsvBody). */
export interface BodyLimit {
  maxBytes: number;
  acceptsCsv: boolean;
}

const ID = '([^/]{1,200})';
/**
 * An alert id as the page sends it (encodeURIComponent): `<tenant>/<call id>:<subject>:<window>:
 * <rule>[.escalated]`, up to 64 + 128 + 64 characters and the separators (pipelines/alerts/
 * engine.ts; the `/` and `:` encoded to 3 characters each): 200 refused a valid call's alert.
 */
const ALERT_ID = '([^/]{1,400})';

function parseWith<S extends z.ZodType>(schema: S, input: unknown, code: 'INVALID_QUERY' | 'INVALID_BODY') {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new StoreError(
      code,
      code === 'INVALID_QUERY' ? 'invalid query' : 'invalid body',
      issueLines(parsed.error.issues),
    );
  return parsed.data as z.infer<S>;
}

const tenantOnly = z.object({ tenant: z.string().min(1).max(200).optional() }).strict();
const erasuresQuery = z
  .object({
    tenant: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();
const timelineQuery = z
  .object({
    maxPoints: z.coerce.number().int().min(10).max(10_000).optional(),
    tenant: z.string().min(1).optional(),
  })
  .strict();
const exportQuery = z
  .object({ format: z.enum(['csv', 'json']).default('json'), tenant: z.string().min(1).optional() })
  .strict();

const customerQuery = z.object({ tenant: z.string().min(1).max(200).optional() }).strict();

const reportQuery = z
  .object({
    tenant: z.string().min(1).max(200).optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
    /** Calls started at or after `from` and before `to`, as the search's period. */
    from: queryTime.optional(),
    to: queryTime.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'must not be after `to`', path: ['from'] });

/** CSV of 20 000 surveys with long call ids fits; the JSON API's default stays small. */
const SURVEY_BODY: BodyLimit = { maxBytes: 4 * 1024 * 1024, acceptsCsv: true };

/** The precision report's period (the CSAT report's) and, for a team lead's view, one team. */
const precisionQuery = z
  .object({
    tenant: z.string().min(1).max(200).optional(),
    from: queryTime.optional(),
    to: queryTime.optional(),
    team: z.string().min(1).max(64).transform(canonicalName).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'must not be after `to`', path: ['from'] });

const retentionBody = z.object({ retentionDays: z.number().int().min(1).max(36_500) }).strict();

const ROUTES: { method: string; pattern: RegExp; handler: Handler; body?: BodyLimit }[] = [
  {
    method: 'GET',
    pattern: /^\/calls$/,
    handler: async (req, _params, store) => {
      const query = parseSearchQuery(req.query);
      // Reviews are hidden from agents: filtering by them would tell which calls were reviewed.
      if (query.reviewed !== undefined && !seesReviews(req.principal))
        throw new StoreError('FORBIDDEN', 'forbidden', ['reviewed: reviews are not shown to agents']);
      const found = await store.searchCalls(scopeOf(req.principal, query.tenant), query);
      return {
        status: 200,
        body: { ...found, calls: found.calls.map((c) => callForViewer(req.principal, c)) },
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/calls/${ID}$`),
    handler: async (req, [callId], store) => {
      const q = parseWith(tenantOnly, req.query, 'INVALID_QUERY');
      const call = await store.getCall(scopeOf(req.principal, q.tenant), callId);
      return { status: 200, body: callForViewer(req.principal, call) };
    },
  },
  {
    // One call, whoever it was with (a call without a customer reference, a recording made in
    // error): only customers could be erased, and such a call waited for the retention purge.
    method: 'DELETE',
    pattern: new RegExp(`^/calls/${ID}$`),
    handler: async (req, [callId], store) => {
      const tenant = erasureTenant(req, 'calls');
      return { status: 200, body: await store.eraseCall(tenant, callId, req.principal.userId) };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/calls/${ID}/timeline$`),
    handler: async (req, [callId], store) => {
      const q = parseWith(timelineQuery, req.query, 'INVALID_QUERY');
      const scope = scopeOf(req.principal, q.tenant);
      const body = await store.getTimelineJson(scope, callId, q.maxPoints ?? null);
      // An agent's cues are those of their own legs (audience.ts): the legs only for agents.
      const legs = req.principal.role === 'agent' ? (await store.getCall(scope, callId)).legs : undefined;
      return {
        status: 200,
        body: timelineForViewer(req.principal, body, legs),
        contentType: 'application/json',
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/calls/${ID}/export$`),
    handler: async (req, [callId], store) => {
      const q = parseWith(exportQuery, req.query, 'INVALID_QUERY');
      const scope = scopeOf(req.principal, q.tenant);
      if (q.format === 'csv') {
        return {
          status: 200,
          body: await store.exportCsv(scope, callId),
          contentType: 'text/csv; charset=utf-8',
          filename: `${callId}.csv`,
        };
      }
      const [call, timeline] = await Promise.all([
        store.getCall(scope, callId),
        store.getTimeline(scope, callId, null),
      ]);
      return {
        status: 200,
        body: {
          call: callForViewer(req.principal, call),
          timeline: { ...timeline, alerts: visibleAlerts(req.principal, timeline.alerts, call.legs) },
        },
        filename: `${callId}.json`,
      };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/calls/${ID}/review$`),
    handler: async (req, [callId], store) => {
      if (!mayReview(req.principal)) throw new StoreError('FORBIDDEN', 'agents cannot review calls');
      const q = parseWith(tenantOnly, req.query, 'INVALID_QUERY');
      const review = await store.addReview(
        scopeOf(req.principal, q.tenant),
        callId,
        req.principal.userId,
        req.body,
      );
      return { status: 201, body: review };
    },
  },
  {
    // Idempotent: the same verdict again changes nothing; another replaces it (one per alert).
    method: 'PUT',
    pattern: new RegExp(`^/calls/${ID}/alerts/${ALERT_ID}/verdict$`),
    handler: async (req, [callId, alertId], store) => {
      if (!mayReview(req.principal)) throw new StoreError('FORBIDDEN', 'agents cannot judge alerts');
      const q = parseWith(tenantOnly, req.query, 'INVALID_QUERY');
      const scope = scopeOf(req.principal, q.tenant);
      return {
        status: 200,
        body: await store.putVerdict(scope, callId, alertId, req.principal.userId, req.body),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/reports\/alert-precision$/,
    handler: async (req, _params, store) => {
      if (!mayReview(req.principal))
        throw new StoreError('FORBIDDEN', 'agents cannot read the alert precision report');
      const q = parseWith(precisionQuery, req.query, 'INVALID_QUERY');
      const report = await store.alertPrecision(scopeOf(req.principal, q.tenant), {
        from: q.from,
        to: q.to,
        team: q.team,
      });
      return {
        status: 200,
        body: { ...report, from: q.from ?? null, to: q.to ?? null, team: q.team ?? null },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/surveys$/,
    body: SURVEY_BODY,
    handler: async (req, _params, store) => {
      if (!mayReview(req.principal)) throw new StoreError('FORBIDDEN', 'agents cannot import surveys');
      const q = parseWith(tenantOnly, req.query, 'INVALID_QUERY');
      const csv = req.body instanceof CsvBody;
      const rows = csv ? csvSurveyRows(parseSurveyCsv((req.body as CsvBody).text)) : jsonSurveyRows(req.body);
      const scope = scopeOf(req.principal, q.tenant);
      const result = await store.importSurveys(scope, rows, csv ? 'csv' : 'api');
      return { status: 200, body: result };
    },
  },
  {
    method: 'GET',
    pattern: /^\/reports\/csat$/,
    handler: async (req, _params, store) => {
      if (!mayReview(req.principal))
        throw new StoreError('FORBIDDEN', 'agents cannot read the survey report');
      const q = parseWith(reportQuery, req.query, 'INVALID_QUERY');
      const period = { from: q.from, to: q.to };
      const report = await store.csatReport(
        scopeOf(req.principal, q.tenant),
        q.seed === undefined ? {} : { seed: q.seed },
        period,
      );
      // The period read, beside the figures: a saved report says which calls it counted.
      return { status: 200, body: { ...report, from: q.from ?? null, to: q.to ?? null } };
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/tenants/${ID}/retention$`),
    handler: async (req, [tenant], store) => {
      retentionTenant(req, tenant);
      const body = parseWith(retentionBody, req.body, 'INVALID_BODY');
      await store.setRetention(tenant, body.retentionDays);
      return { status: 200, body: { tenant, retentionDays: body.retentionDays } };
    },
  },
  {
    // What the API set (null: TENANT_RETENTION_DAYS or DEFAULT_RETENTION_DAYS applies): a setting
    // could be written and never read back.
    method: 'GET',
    pattern: new RegExp(`^/tenants/${ID}/retention$`),
    handler: async (req, [tenant], store) => {
      retentionTenant(req, tenant);
      return { status: 200, body: { tenant, retentionDays: await store.getRetention(tenant) } };
    },
  },
  {
    // Back to the configuration: once set over the API, nothing took a tenant off it.
    method: 'DELETE',
    pattern: new RegExp(`^/tenants/${ID}/retention$`),
    handler: async (req, [tenant], store) => {
      retentionTenant(req, tenant);
      if (!(await store.clearRetention(tenant)))
        throw new StoreError('NOT_FOUND', `no retention set over the API for tenant ${tenant}`);
      return { status: 200, body: { tenant, retentionDays: null } };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/customers/${ID}/calls$`),
    handler: async (req, [ref], store) => {
      const q = parseWith(customerQuery, req.query, 'INVALID_QUERY');
      // Scoped like every read: an agent sees its own calls with the customer, a team supervisor
      // its teams' calls.
      const history = await store.customerCalls(scopeOf(req.principal, q.tenant), ref);
      return {
        status: 200,
        body: { ...history, calls: history.calls.map((c) => callForViewer(req.principal, c)) },
      };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/customers/${ID}$`),
    handler: async (req, [ref], store) => {
      const tenant = erasureTenant(req, 'customers');
      return { status: 200, body: await store.eraseCustomer(tenant, ref, req.principal.userId) };
    },
  },
  {
    // The erasure audit (customer_erasures), readable without SQL: who erased how much, when.
    method: 'GET',
    pattern: /^\/erasures$/,
    handler: async (req, _params, store) => {
      const q = parseWith(erasuresQuery, req.query, 'INVALID_QUERY');
      const tenant = erasureTenant(
        { ...req, query: q.tenant === undefined ? {} : { tenant: q.tenant } },
        'audit',
      );
      return { status: 200, body: { erasures: await store.listErasures(tenant, q.limit ?? 100) } };
    },
  },
  {
    // An agent (a departing employee's request): their voice analysis, scorecards and id on calls.
    // Any length reaches the handler (ID's 200 would answer 404): the id's own limits say 400.
    method: 'DELETE',
    pattern: /^\/agents\/([^/]*)$/,
    handler: async (req, [agentId], store) => {
      const tenant = erasureTenant(req, 'agents');
      return { status: 200, body: await store.eraseAgent(tenant, agentId, req.principal.userId) };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/agents/${ID}/summary$`),
    handler: async (req, [rawAgentId], store) => {
      const agentId = canonicalName(rawAgentId);
      const q = parseAgentSummaryQuery(req.query);
      const scope = scopeOf(req.principal, q.tenant);
      if (scope.agentId !== null && scope.agentId !== agentId) {
        throw new StoreError('FORBIDDEN', 'agents can read their own summary only');
      }
      return { status: 200, body: await store.agentSummary(scope, agentId, q.from, q.to) };
    },
  },
];

/** Finds the route; 404 for unknown paths, 405 when the path exists with another method. */
export function matchRoute(
  method: string,
  path: string,
): { handler: Handler; params: string[]; bodyLimit?: BodyLimit } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    allowed.push(route.method);
    if (route.method === method) {
      let params: string[];
      try {
        params = m.slice(1).map(decodeURIComponent);
      } catch {
        throw new StoreError('INVALID_QUERY', 'invalid path', ['path: bad percent-encoding']);
      }
      if (params.some((p) => CONTROL_CHARACTER.test(p)))
        throw new StoreError('INVALID_QUERY', 'invalid path', ['path: contains a control character']);
      return { handler: route.handler, params, bodyLimit: route.body };
    }
  }
  if (allowed.length > 0)
    throw new StoreError('METHOD_NOT_ALLOWED', `${method} not allowed on ${path}`, [], { allow: allowed });
  throw new StoreError('NOT_FOUND', `no route ${path}`);
}

export function isApiPath(path: string): boolean {
  return (
    path === '/calls' ||
    path === '/surveys' ||
    path === '/reports/csat' ||
    path === '/reports/alert-precision' ||
    path === '/erasures' ||
    API_PREFIX.test(path)
  );
}

const API_PREFIX = /^\/(calls|agents|tenants|customers)\//;

/** The route as a metrics label: ids (call ids, customer pseudonyms) never become label values. */
export function routeLabel(method: string, path: string): string {
  // An alert id names its call: `:alertId` too.
  const ids = path
    .replace(/^\/(calls|agents|tenants|customers)\/[^/]+/, '/$1/:id')
    .replace(/^(\/calls\/:id\/alerts)\/[^/]+/, '$1/:alertId');
  return `${method} ${ids}`;
}
