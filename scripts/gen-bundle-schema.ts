// Regenerates docs/bundle.schema.json from shared/bundle/manifest.ts (zod is the source).
// Run: npx tsx scripts/gen-bundle-schema.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleJsonSchemaText } from '../shared/bundle/json-schema';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'bundle.schema.json');
writeFileSync(out, bundleJsonSchemaText());
console.log(`wrote ${out}`);
