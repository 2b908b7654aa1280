// Test helper: validates QA API responses against services/call-store/openapi.yaml. The file's
// component schemas (JSON Schema 2020-12, OpenAPI 3.1) become zod schemas via z.fromJSONSchema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}

const file = join(import.meta.dirname, '../../../services/call-store/openapi.yaml');
const doc = YAML.parse(readFileSync(file, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, { content: Record<string, { schema: unknown }> }>;
  };
};
const rewrite = (value: unknown) =>
  JSON.parse(JSON.stringify(value).replaceAll('#/components/schemas/', '#/$defs/'));
const defs = rewrite(doc.components.schemas);

/** Throws with the zod issues when `body` does not match the documented response. */
export function expectDocumented(
  template: string,
  method: string,
  status: number,
  body: unknown,
  type = 'application/json',
) {
  const operation = doc.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in openapi.yaml`);
  let response = operation.responses[String(status)];
  if (!response) throw new Error(`${method} ${template} does not document status ${status}`);
  if (response.$ref) response = doc.components.responses[response.$ref.split('/').pop() as string];
  const schema = response.content?.[type]?.schema;
  if (!schema) throw new Error(`${method} ${template} ${status} documents no ${type} body`);
  const validator = z.fromJSONSchema({ ...(rewrite(schema) as object), $defs: defs } as never);
  const result = validator.safeParse(body);
  if (!result.success) {
    throw new Error(
      `${method} ${template} ${status} body does not match openapi.yaml:\n${JSON.stringify(result.error.issues, null, 1).slice(0, 3000)}`,
    );
  }
}
