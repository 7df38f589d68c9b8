/* eslint-disable @typescript-eslint/no-explicit-any -- these tests edit untyped manifest JSON to make it wrong on purpose */
/**
 * docs/bundle.schema.json (published for bundle writers) and the zod schema (what the
 * workbench enforces) must accept and refuse the same documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleJsonSchemaText } from '../../../shared/bundle/json-schema';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { baseManifest } from './builders';

const schemaFile = join(__dirname, '..', '..', '..', 'docs', 'bundle.schema.json');
const published = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(published);

const ID = 'sha256:' + 'a'.repeat(64);
type Mutation = [string, (m: any) => void];
const mutations: Mutation[] = [
  ['unchanged', () => {}],
  ['unknown top-level key', (m) => (m.extra = 1)],
  ['unknown service key', (m) => (m.services[0].privileged = true)],
  ['unknown incident key', (m) => (m.incident.owner = 'x')],
  ['missing incident.title', (m) => delete m.incident.title],
  ['empty services', (m) => (m.services = [])],
  ['bad service name', (m) => (m.services[0].name = 'Web_1')],
  ['bad image id', (m) => (m.services[0].image.id = 'sha256:xyz')],
  ['absolute archive path', (m) => (m.services[0].image.archive = '/etc/passwd')],
  ['dotdot archive path', (m) => (m.services[0].image.archive = 'a/../../b')],
  ['dot segment path', (m) => (m.services[0].image.archive = './a')],
  ['backslash path', (m) => (m.services[0].image.archive = 'a\\b')],
  ['port out of range', (m) => (m.services[0].ports[0].container = 70000)],
  ['port not integer', (m) => (m.services[0].ports[0].container = 80.5)],
  ['udp port', (m) => (m.services[0].ports[0].protocol = 'udp')],
  ['sctp port', (m) => (m.services[0].ports[0].protocol = 'sctp')],
  ['cmd healthcheck', (m) => (m.services[0].healthcheck = { cmd: ['true'] })],
  ['both healthchecks', (m) => (m.services[0].healthcheck = { cmd: ['true'], http: { port: 1, path: '/' } })],
  ['no healthcheck kind', (m) => (m.services[0].healthcheck = { intervalMs: 5 })],
  ['bad env name', (m) => (m.services[0].env = { 'BAD-NAME': 'x' })],
  ['numeric env value', (m) => (m.services[0].env = { A: 1 })],
  ['secret with value', (m) => (m.services[0].secrets = [{ name: 'A', value: 'x' }])],
  ['volume with host path', (m) => (m.services[0].volumes = [{ source: '/', target: '/data' }])],
  ['volume ok', (m) => (m.services[0].volumes = [{ target: '/data', readOnly: true }])],
  ['relative volume target', (m) => (m.services[0].volumes = [{ target: 'data' }])],
  ['negative cpus', (m) => (m.services[0].resources.cpus = -1)],
  ['bad direction', (m) => (m.canary.metrics[0].direction = 'up')],
  ['kayenta settings', (m) => Object.assign(m.canary.metrics[0], { classifier: 'MannWhitney', tolerance: 0.25, confLevel: 0.95, effectSizeThresholds: [1, 1], nanStrategy: 'replace' })],
  ['bad thresholds tuple', (m) => (m.canary.metrics[0].effectSizeThresholds = [1])],
  ['selector missing baseline', (m) => delete m.canary.selectors.baseline],
  ['bad sha256', (m) => (m.files = [{ path: 'a', sha256: 'ABC', size: 1 }])],
  ['negative size', (m) => (m.files = [{ path: 'a', sha256: 'a'.repeat(64), size: -1 }])],
  ['bad timestamp', (m) => (m.createdAt = '2026-13-01T00:00:00Z')],
  ['offset timestamp', (m) => (m.createdAt = '2026-11-01T00:00:00.123+01:00')],
  ['date only', (m) => (m.createdAt = '2026-11-01')],
  ['wrong schema id', (m) => (m.schema = 'repro.bundle/v2')],
  ['noise path without $', (m) => (m.replay.noise.jsonPaths = ['servedAt'])],
  ['feature flag object', (m) => (m.provenance.featureFlags = { a: { b: 1 } })],
  ['no provenance source', (m) => delete m.provenance.source],
];

describe('JSON Schema and zod schema agree', () => {
  it('docs/bundle.schema.json is up to date (npx tsx scripts/gen-bundle-schema.ts)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(bundleJsonSchemaText());
  });

  it.each(mutations)('%s', (_name, mutate) => {
    const m = structuredClone(baseManifest(ID)) as any;
    m.files = [{ path: 'images/web.tar', sha256: 'b'.repeat(64), size: 1 }];
    mutate(m);
    const byZod = bundleManifestSchema.safeParse(m).success;
    const byAjv = validate(m) as boolean;
    expect(byAjv).toBe(byZod);
  });

  it('agrees on random path strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '/', '\\', '..', 'b/', '\u0001', ':', 'C') }), (p) => {
        const m = structuredClone(baseManifest(ID)) as any;
        m.files = [{ path: p, sha256: 'b'.repeat(64), size: 1 }];
        m.services[0].image.archive = undefined;
        delete m.services[0].image.archive;
        m.canary = undefined;
        delete m.canary;
        return (validate(m) as boolean) === bundleManifestSchema.safeParse(m).success;
      }),
      { numRuns: 500 },
    );
  });
});
