// Regenerates docs/gameday.schema.json from shared/gameday/scenario.ts (zod is the source).
// Run: npx tsx scripts/gen-gameday-schema.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gamedayJsonSchemaText } from '../shared/gameday/json-schema';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'gameday.schema.json');
writeFileSync(out, gamedayJsonSchemaText());
console.log(`wrote ${out}`);
