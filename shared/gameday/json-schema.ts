/**
 * The JSON Schema (draft 2020-12) of a `repro.gameday/v1` scenario, generated from the zod schema
 * the workbench validates with, so the two cannot drift. docs/gameday.schema.json is this, written
 * by scripts/gen-gameday-schema.ts; a unit test fails when the file is stale.
 */
import { publishedJsonSchema } from '../bundle/json-schema';
import { scenarioSchema } from './scenario';

export const GAMEDAY_JSON_SCHEMA_ID = 'https://repro-workbench.dev/schemas/repro.gameday/v1/gameday.schema.json';

export function gamedayJsonSchema(): Record<string, unknown> {
  return publishedJsonSchema(scenarioSchema, {
    $id: GAMEDAY_JSON_SCHEMA_ID,
    title: 'repro.gameday/v1 game-day scenario',
    description:
      'A fault scenario run against a reproduced environment. Normative text: docs/gamedays.md. Cross-field rules (unique probe names and step ids, stop conditions naming a probe, faults ending within limits.maxDurationS, no two faults of one kind of effect on one target at once) are checked by the workbench in addition to this schema.',
  });
}

export function gamedayJsonSchemaText(): string {
  return JSON.stringify(gamedayJsonSchema(), null, 2) + '\n';
}
