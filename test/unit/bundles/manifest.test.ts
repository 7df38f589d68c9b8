/* eslint-disable @typescript-eslint/no-explicit-any -- these tests edit untyped manifest JSON to make it wrong on purpose */
import { describe, expect, it } from 'vitest';
import { bundleManifestSchema, ingressPort } from '../../../shared/bundle/manifest';
import { parseManifest } from '../../../shared/bundle/validate';
import { locateJsonSyntaxError } from '../../../shared/bundle/json-syntax';
import { baseManifest } from './builders';

const ID = 'sha256:' + 'a'.repeat(64);
const valid = () => {
  const m = baseManifest(ID) as Record<string, any>;
  m.files = [{ path: 'images/web.tar', sha256: 'b'.repeat(64), size: 10 }, { path: 'metrics/latency.json', sha256: 'c'.repeat(64), size: 5 }];
  return m;
};
const parse = (m: unknown) => parseManifest(JSON.stringify(m, null, 2));

describe('bundle.json parsing', () => {
  it('accepts the full example and infers types', () => {
    const r = parse(valid());
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.manifest?.services[0]?.image.ref).toBe('shop/web:1.0.0');
    expect(ingressPort(r.manifest!.services[0]!)).toBe(8080);
  });

  it('accepts a minimal metrics-only bundle (no services, no optional sections)', () => {
    const r = parse({
      schema: 'repro.bundle/v1',
      incident: { id: 'I', title: 't', severity: 'SEV4', startedAt: '2026-01-01T00:00:00+02:00' },
      provenance: { source: { repo: 'r', commit: 'c' } },
      services: [],
      files: [],
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'x',
    });
    expect(r.problems).toEqual([]);
  });

  it('reports a JSON syntax error with line and column', () => {
    const text = '{\n  "schema": "repro.bundle/v1",\n  "incident": { "id": "x", }\n}';
    const r = parseManifest(text);
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.code).toBe('parse');
    expect(r.problems[0]!.message).toContain('line 3, column 28');
  });

  it('refuses unknown keys anywhere, naming the JSON pointer', () => {
    const m = valid();
    m.services[0].privileged = true;
    m.services[0].image.pull = 'always';
    const r = parse(m);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => `${p.code} ${p.path}`).sort()).toEqual([
      'schema bundle.json#/services/0/image/pull',
      'schema bundle.json#/services/0/privileged',
    ]);
    expect(r.problems.every((p) => /unknown key/.test(p.message))).toBe(true);
  });

  it('says what was expected for wrong types and formats', () => {
    const m = valid();
    m.services[0].ports[0].container = 'eighty';
    m.incident.startedAt = 'yesterday';
    m.services[0].image.id = 'latest';
    const r = parse(m);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['bundle.json#/services/0/ports/0/container']).toMatch(/expected/i);
    expect(byPath['bundle.json#/incident/startedAt']).toMatch(/RFC 3339/);
    expect(byPath['bundle.json#/services/0/image/id']).toMatch(/sha256:<64 hex>/);
  });

  it.each([['/etc/passwd', 'absolute'], ['../outside.tar', "'..'"], ['images/../../x', "'..'"], ['images//x.tar', 'empty segment'], ['images\\x.tar', "'\\'"]])(
    'flags the path %s as unsafe_path',
    (bad, why) => {
      const m = valid();
      m.services[0].image.archive = bad;
      const r = parse(m);
      const p = r.problems.find((x) => x.path === 'bundle.json#/services/0/image/archive');
      expect(p?.code).toBe('unsafe_path');
      expect(p?.message).toContain(why);
    },
  );

  it('requires exactly one of http or cmd in a healthcheck', () => {
    const m = valid();
    m.services[0].healthcheck = { http: { port: 1, path: '/' }, cmd: ['true'] };
    expect(parse(m).problems[0]?.message).toMatch(/exactly one of "http" or "cmd"/);
    m.services[0].healthcheck = { cmd: ['wget', '-q', 'http://localhost:8080/'], intervalMs: 100 };
    expect(parse(m).problems).toEqual([]);
    m.services[0].healthcheck = { cmd: [], intervalMs: 100 };
    expect(parse(m).problems[0]?.path).toBe('bundle.json#/services/0/healthcheck/cmd');
  });

  it('checks cross-field rules: unique names, dependsOn, listed references, duplicate files', () => {
    const m = valid();
    m.services.push({ ...structuredClone(m.services[0]), dependsOn: ['nope'] });
    m.canary.metrics[0].file = 'metrics/unlisted.json';
    m.files.push({ ...m.files[0] });
    m.files.push({ path: 'attestations/x.json', sha256: 'd'.repeat(64), size: 1 });
    const r = parse(m);
    const paths = r.problems.map((p) => p.path);
    expect(paths).toContain('bundle.json#/services/1/name');
    expect(paths).toContain('bundle.json#/services/1/dependsOn/0');
    expect(paths).toContain('bundle.json#/canary/metrics/0/file');
    expect(paths).toContain('bundle.json#/files/2/path');
    expect(paths).toContain('bundle.json#/files/3/path');
    expect(r.problems.every((p) => p.code === 'schema')).toBe(true);
  });

  it('rejects secret values smuggled as env next to a secret of the same name', () => {
    const m = valid();
    m.services[0].env.PAYMENT_KEY = 'sk_live_123';
    expect(parse(m).problems[0]?.path).toBe('bundle.json#/services/0/secrets/0/name');
  });

  it('rejects a wrong schema id', () => {
    const m = valid();
    m.schema = 'repro.bundle/v2';
    expect(parse(m).problems[0]).toMatchObject({ code: 'schema', path: 'bundle.json#/schema' });
  });

  it('zod schema is strict at the top level', () => {
    expect(bundleManifestSchema.safeParse({ ...valid(), extra: 1 }).success).toBe(false);
  });
});

describe('JSON syntax locator', () => {
  it.each([
    ['{"a":1,}', 1, 8],
    ['{"a" 1}', 1, 6],
    ['[1,2\n,3', 2, 3],
    ['{"a":"x\ny"}', 1, 8],
    ['{"a":1} x', 1, 9],
    ['', 1, 1],
  ])('%j -> line %i column %i', (text, line, column) => {
    const e = locateJsonSyntaxError(text);
    expect(e).toMatchObject({ line, column });
  });
  it('returns undefined for valid JSON', () => {
    expect(locateJsonSyntaxError('{"a":[1,-2.5e3,true,null,"\\u00e9"]}')).toBeUndefined();
  });
});
