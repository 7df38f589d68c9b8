/**
 * The JSON Schema (draft 2020-12) for bundle.json, generated from the zod schema so the two
 * cannot drift. docs/bundle.schema.json is this, written by scripts/gen-bundle-schema.ts;
 * a unit test fails when the file is stale.
 */
import { z } from '../zod';
import { bundleManifestSchema } from './manifest';

export const BUNDLE_JSON_SCHEMA_ID = 'https://repro-workbench.dev/schemas/repro.bundle/v1/bundle.schema.json';

/** A published JSON Schema (draft 2020-12, input side) of a zod schema, with its id, title and description first. */
export function publishedJsonSchema(schema: z.ZodType, meta: { $id: string; title: string; description: string }): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, ...meta, ...rest };
}

export function bundleJsonSchema(): Record<string, unknown> {
  return publishedJsonSchema(bundleManifestSchema, {
    $id: BUNDLE_JSON_SCHEMA_ID,
    title: 'repro.bundle/v1 manifest (bundle.json)',
    description:
      'Incident bundle manifest. Normative text: docs/bundle-format.md. Cross-field rules (unique service names, dependsOn targets, referenced files listed, at most one ingress port) are checked by the workbench in addition to this schema.',
  });
}

export function bundleJsonSchemaText(): string {
  return JSON.stringify(bundleJsonSchema(), null, 2) + '\n';
}
