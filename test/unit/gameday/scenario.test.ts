// The repro.gameday/v1 scenario: what validates, every kind of problem with its path and place in
// the text, the published JSON Schema equal to what the code enforces, and probe expectations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { probeFailures } from '../../../shared/gameday/expect';
import { gamedayJsonSchemaText } from '../../../shared/gameday/json-schema';
import { durationMs, scenarioSchema } from '../../../shared/gameday/scenario';
import { formatProblem, methodDurationMs, parseScenarioText } from '../../../shared/gameday/validate';

const root = join(import.meta.dirname, '..', '..', '..');
const sample = readFileSync(join(root, 'examples', 'build', 'sample', 'gamedays', 'pricing-outage.yaml'), 'utf8');

const ISSUE_EXAMPLE = `schema: repro.gameday/v1
title: The store goes away under load
hypothesis:                 # the steady state
  probes:
    - name: balance-ok
      http: { service: api, method: GET, path: "/cgi-bin/balance?acct=9" }
      expect: { status: 200, maxLatencyMs: 1000, json: { "$.balance": "-3.25" } }
      everyMs: 250
load:
  traffic: traffic/balance.har
  ratePerS: 20
steps:
  - { id: kill-store, at: 2s, fault: kill, target: store, duration: 3s }
  - { id: slow-store, at: 7s, fault: latency, target: store, params: { latencyMs: 400, jitterMs: 0 }, duration: 4s }
stopConditions:
  - { probe: balance-ok, failuresInARow: 40 }
limits: { maxDurationS: 300 }
`;

const problemsOf = (text: string) => {
  const r = parseScenarioText(text);
  return r.ok ? [] : r.problems;
};

describe('repro.gameday/v1 scenarios', () => {
  it("accepts the issue's example, the sample's scenario, and the same scenario as JSON", () => {
    for (const text of [ISSUE_EXAMPLE, sample, JSON.stringify(parseYaml(ISSUE_EXAMPLE))]) {
      const r = parseScenarioText(text);
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
    }
    const r = parseScenarioText(ISSUE_EXAMPLE);
    if (!r.ok) throw new Error('unreachable');
    expect(methodDurationMs(r.scenario)).toBe(11_000);
  });

  it('reads durations with units only', () => {
    expect([durationMs('250ms'), durationMs('2s'), durationMs('1.5s'), durationMs('1m'), durationMs('0')]).toEqual([250, 2000, 1500, 60_000, 0]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('at: 2s', 'at: 2'))[0]).toMatchObject({ path: 'steps[0].at', message: expect.stringMatching(/with a unit/), line: 13 });
  });

  it('names every problem with its path and its line and column', () => {
    const bad = ISSUE_EXAMPLE.replace('fault: kill', 'fault: explode')
      .replace('latencyMs: 400', 'latencyMs: -4, lag: 1')
      .replace('probe: balance-ok', 'probe: nope')
      .replace('title: The', 'titel: The');
    const problems = problemsOf(bad);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['steps[0].fault']).toMatchObject({ line: 13, message: expect.stringContaining('unknown fault; expected one of kill, stop') });
    expect(byPath['steps[1].params.latencyMs']).toMatchObject({ line: 14 });
    expect(byPath['steps[1].params.lag']).toMatchObject({ line: 14, message: 'unknown key "lag" (repro.gameday/v1 has no such field)' });
    expect(byPath['titel']).toMatchObject({ line: 2, column: 1 });
    expect(byPath['title']).toMatchObject({ message: 'required (string)', line: 1 });
    expect(formatProblem(byPath['titel']!, 'g.yaml')).toBe('g.yaml:2:1: titel: unknown key "titel" (repro.gameday/v1 has no such field)');
  });

  it('checks what the schema cannot: references, unique names, the time limit, one fault of a kind per target at a time', () => {
    expect(problemsOf(ISSUE_EXAMPLE.replace('probe: balance-ok', 'probe: nope'))).toEqual([expect.objectContaining({ path: 'stopConditions[0].probe', message: 'no probe named "nope" in hypothesis.probes', line: 16, column: 14 })]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('id: slow-store', 'id: kill-store'))).toEqual([expect.objectContaining({ path: 'steps[1].id', message: expect.stringMatching(/also used by steps\[0\]/) })]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('maxDurationS: 300', 'maxDurationS: 10'))).toEqual([expect.objectContaining({ path: 'steps[1].duration', message: expect.stringMatching(/ends at 11s, after limits.maxDurationS \(10s\)/) })]);
    // a pause overlapping the kill on the same target: which state would a revert restore?
    const overlap = ISSUE_EXAMPLE.replace('at: 7s, fault: latency', 'at: 3s, fault: pause').replace(', params: { latencyMs: 400, jitterMs: 0 }', '');
    expect(problemsOf(overlap)).toEqual([expect.objectContaining({ path: 'steps[1]', message: expect.stringMatching(/overlaps steps\[0\] \("kill-store", kill\) on the same target store/) })]);
    // a kill and a CPU limit on one target at once: a stopped container's limits cannot change
    const stoppedLimits = ISSUE_EXAMPLE.replace('at: 7s, fault: latency', 'at: 3s, fault: cpu').replace('params: { latencyMs: 400, jitterMs: 0 }', 'params: { cpus: 0.1 }');
    expect(problemsOf(stoppedLimits)).toEqual([expect.objectContaining({ path: 'steps[1]', message: expect.stringMatching(/stopped container's CPU and memory limits/) })]);
    // different kinds of effect on one target may overlap (a kill and a latency)
    expect(problemsOf(ISSUE_EXAMPLE.replace('at: 7s', 'at: 3s'))).toEqual([]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('"$.balance"', '"$..balance["'))[0]).toMatchObject({ path: expect.stringContaining('expect.json') });
    expect(problemsOf(ISSUE_EXAMPLE.replace(', duration: 3s }', ' }'))[0]).toMatchObject({ path: 'steps[0].duration', message: 'required (string)' });
  });

  it('refuses what is not YAML, and what is too big, with a place', () => {
    expect(problemsOf('schema: [')[0]).toMatchObject({ path: '', line: 1, message: expect.stringMatching(/^not valid YAML or JSON/) });
    expect(problemsOf('a: 1\na: 2\n')[0]!.message).toMatch(/not valid YAML or JSON/);
    expect(problemsOf('x'.repeat(1024 * 1024 + 1))[0]!.message).toMatch(/larger than/);
  });

  it('docs/gameday.schema.json is generated from the zod schema and agrees with it', () => {
    const published = readFileSync(join(root, 'docs', 'gameday.schema.json'), 'utf8');
    expect(published, 'docs/gameday.schema.json is stale: npx tsx scripts/gen-gameday-schema.ts').toBe(gamedayJsonSchemaText());
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(JSON.parse(published));
    const base = parseYaml(ISSUE_EXAMPLE) as Record<string, unknown> & { steps: Array<Record<string, unknown>> };
    const variants: Array<[string, (s: typeof base) => void]> = [
      ['as is', () => {}],
      ['unknown top-level key', (s) => (s.extra = 1)],
      ['unknown fault', (s) => (s.steps[0]!.fault = 'explode')],
      ['kill with a bad signal', (s) => (s.steps[0]!.params = { signal: 'SIGFOO' })],
      ['latency without latencyMs', (s) => (s.steps[1]!.params = {})],
      ['toxicity above 1', (s) => (s.steps[1]!.params = { latencyMs: 1, toxicity: 2 })],
      ['number as duration', (s) => (s.steps[0]!.at = 2)],
      ['http-error on a host', (s) => (s.steps[0] = { id: 'e', at: '1s', fault: 'http-error', target: 'payments.example.com', params: { status: 503 }, duration: '1s' })],
      ['absolute traffic path', (s) => ((s.load as { traffic: string }).traffic = '/etc/passwd')],
      ['wrong schema id', (s) => (s.schema = 'repro.gameday/v2')],
    ];
    for (const [name, change] of variants) {
      const doc = structuredClone(base);
      change(doc);
      expect(validate(doc), `${name}: JSON Schema`).toBe(scenarioSchema.safeParse(doc).success);
    }
  });

  it('judges probe answers: status, latency, JSONPath values, body', () => {
    const r = parseScenarioText(ISSUE_EXAMPLE);
    if (!r.ok) throw new Error('unreachable');
    const probe = r.scenario.hypothesis.probes[0]!;
    expect(probeFailures(probe, { status: 200, latencyMs: 10, body: '{"balance":"-3.25"}' })).toEqual([]);
    expect(probeFailures(probe, { status: 502, latencyMs: 1500, body: '{"balance":"0"}' })).toEqual(['status 502, expected 200', 'latency 1500 ms, expected at most 1000 ms', '$.balance is "0", expected "-3.25"']);
    expect(probeFailures(probe, { status: 200, latencyMs: 1, body: 'oops' })).toEqual(['body is not JSON']);
    expect(probeFailures({ ...probe, expect: {} }, { status: 204, latencyMs: 1, body: '' })).toEqual([]);
    expect(probeFailures({ ...probe, expect: { bodyContains: 'ok' } }, { status: 301, latencyMs: 1, body: 'nope' })).toEqual(['status 301, expected 2xx', 'body does not contain "ok"']);
  });
});
