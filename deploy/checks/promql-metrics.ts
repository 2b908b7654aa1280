// Which metrics a Grafana dashboard or a Prometheus rule file queries, and whether the services export them: the metric
// names of every panel's PromQL (functions, aggregation clauses, label matchers, ranges, strings,
// numbers and Grafana variables taken out), checked against the names a real /metrics scrape
// declares, a histogram's _bucket/_sum/_count included. Pure.

/** PromQL words that are not metrics (https://prometheus.io/docs/prometheus/latest/querying/operators/). */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
]);

/** The metric names one PromQL expression selects. */
export function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ') // label lists
    .replace(/\boffset\s+-?[\dsmhdwy]+/gi, ' ')
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables
    .replace(/(^|[^\w:.])\d[\d.]*(e[+-]?\d+)?/gi, '$1 '); // numbers
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][\w:]*(?=\s*(\(?))/g)) {
    if (match[1] === '(' || KEYWORDS.has(match[0].toLowerCase())) continue; // a function call
    names.add(match[0]);
  }
  return [...names];
}

/** Every series name a Prometheus text exposition can hold, from its # TYPE lines and samples. */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type;
      names.add(name);
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      if (kind === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
    } else if (/^[a-zA-Z_:]/.test(line)) {
      names.add(/^[a-zA-Z_:][\w:]*/.exec(line)?.[0] ?? '');
    }
  }
  names.delete('');
  return names;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** [panel title, expression] of every query of a dashboard (rows' nested panels included). */
export function dashboardQueries(dashboard: { panels?: Panel[] }): [string, string][] {
  const walk = (panels: Panel[] = []): [string, string][] =>
    panels.flatMap((panel) => [
      ...(panel.targets ?? []).flatMap((t) =>
        t.expr ? [[panel.title ?? '', t.expr] as [string, string]] : [],
      ),
      ...walk(panel.panels),
    ]);
  return walk(dashboard.panels);
}

/** Series Prometheus adds itself to every scrape target (not in any /metrics). */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** "name: metric" for every metric of [name, expression] queries that no scrape exports. */
export function unknownQueryMetrics(
  queries: readonly [string, string][],
  exported: ReadonlySet<string>,
): string[] {
  const unknown = new Set<string>();
  for (const [title, expr] of queries)
    for (const name of metricNamesOf(expr))
      if (!exported.has(name) && !PROMETHEUS_SERIES.has(name)) unknown.add(`${title}: ${name}`);
  return [...unknown];
}

/** "panel: metric" for every metric a dashboard queries that no scrape exports. */
export function unknownDashboardMetrics(
  dashboard: { panels?: Panel[] },
  exported: ReadonlySet<string>,
): string[] {
  return unknownQueryMetrics(dashboardQueries(dashboard), exported);
}

/** A Prometheus rule file (deploy/prometheus/alerts.yml), as parsed YAML. */
export interface RuleFile {
  groups?: { name?: string; rules?: { alert?: string; record?: string; expr?: string }[] }[];
}

/** [alert (or recording rule) name, expression] of every rule of a rule file. */
export function ruleQueries(file: RuleFile): [string, string][] {
  return (file.groups ?? []).flatMap((group) =>
    (group.rules ?? []).flatMap((rule) =>
      rule.expr ? [[rule.alert ?? rule.record ?? '', rule.expr] as [string, string]] : [],
    ),
  );
}
