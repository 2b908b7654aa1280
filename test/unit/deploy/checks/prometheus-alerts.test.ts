// The operators' alert rules (deploy/prometheus/alerts.yml): each has a severity, a summary and a
// runbook link to a section of deploy/RUNBOOK.md that exists (and each section has its rule), and
// the compose Prometheus loads the file. Whether the services export the metrics the rules query is
// checked against real scrapes in test/int/pipeline/dashboard-metrics.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNamesOf, ruleQueries } from '../../../../deploy/checks/promql-metrics.ts';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const file = parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as {
  groups: { rules: AlertRule[] }[];
};
const rules = file.groups.flatMap((group) => group.rules);
const runbook = readFileSync('deploy/RUNBOOK.md', 'utf8');
/** GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...runbook.matchAll(/^## (.+)$/gm)].map((m) =>
    m[1]
      .toLowerCase()
      .replace(/[^\w\s-]/g, '')
      .replace(/\s+/g, '-'),
  ),
);

describe('alert rules for the operators', () => {
  it('give every rule a severity, a summary and a runbook section that exists', () => {
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      const link = /^deploy\/RUNBOOK\.md#([\w-]+)$/.exec(rule.annotations?.runbook ?? '');
      expect(link?.[1], rule.alert).toBe(rule.alert.toLowerCase());
      expect(anchors.has(link![1]), `${rule.alert}: no section "## ${rule.alert}"`).toBe(true);
    }
    // And no section of a rule that is gone.
    expect([...anchors].sort()).toEqual(rules.map((r) => r.alert.toLowerCase()).sort());
  });

  it('query metrics by name (every expression selects at least one series)', () => {
    for (const [name, expr] of ruleQueries(file)) expect(metricNamesOf(expr).length, name).toBeGreaterThan(0);
  });

  it('are loaded by the compose Prometheus', () => {
    const prometheus = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as {
      rule_files?: string[];
    };
    expect(prometheus.rule_files).toEqual(['alerts.yml']);
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain(
      './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
  });
});

/** Every `va_…` metric name a service declares (metric builders and prom-client constructors). */
function declaredMetrics(dir = 'services'): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'web' && entry.name !== 'node_modules')
      names.push(...declaredMetrics(path));
    else if (entry.name.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(
        /(?:counter|gauge|histogram|gaugeReading)\(\s*'(va_[a-z_]+)'|name: '(va_[a-z_]+)'/g,
      ))
        names.push(m[1] ?? m[2]);
    }
  }
  return names;
}

describe('the metrics reference (deploy/RUNBOOK.md)', () => {
  it('names every metric a service declares', () => {
    const declared = [...new Set(declaredMetrics())];
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((name) => !runbook.includes(`\`${name}\``))).toEqual([]);
  });
});
