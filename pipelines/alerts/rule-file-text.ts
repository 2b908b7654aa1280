// An alert rule file's text (YAML, which includes JSON) read and validated: size bound, syntax
// errors, an empty file, and the line of the field an error names. Pure (the service reads the file).
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { AlertRuleError, MAX_FILE_CHARS, parseRuleSet, parseTenantRuleSet } from './rule-config.ts';
import type { RuleSet, TenantRuleSet } from './types.ts';

/** Parses rule file text (YAML, which includes JSON) and validates it; errors name the line. */
export function parseRuleSetText(text: string): RuleSet {
  return parseText(text, parseRuleSet);
}

/** A tenant's rule file text, as parseRuleSetText (same limits, errors with the line). */
export function parseTenantRuleSetText(text: string, tenant: string): TenantRuleSet {
  return parseText(text, (raw) => parseTenantRuleSet(raw, tenant));
}

function parseText<T>(text: string, parse: (raw: unknown) => T): T {
  if (text.length > MAX_FILE_CHARS)
    throw new AlertRuleError('RULES_INVALID', `rule file is larger than ${MAX_FILE_CHARS} characters`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  let raw: unknown;
  try {
    if (doc.errors.length > 0) throw doc.errors[0];
    raw = doc.toJS();
  } catch (error) {
    throw new AlertRuleError('RULES_SYNTAX', `rule file is not valid YAML/JSON: ${(error as Error).message}`);
  }
  // Blank or comments only: said so (it read "field (root): expected object, received null").
  if (raw === null || raw === undefined) throw new AlertRuleError('RULES_INVALID', 'rule file is empty');
  try {
    return parse(raw);
  } catch (error) {
    if (error instanceof AlertRuleError && error.location) {
      const line = lineOf(doc, lines, error.location);
      if (line !== null) error.message += ` (line ${line})`;
    }
    throw error;
  }
}

/** The line of the deepest node of `location` the file has (a missing field: its parent's). */
function lineOf(doc: Document, lines: LineCounter, location: (string | number)[]): number | null {
  for (let depth = location.length; depth > 0; depth--) {
    const node = doc.getIn(location.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}
