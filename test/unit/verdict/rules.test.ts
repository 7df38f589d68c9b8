// The verdict's rules (docs/verdict.md): each evidence judge on its own, then the one verdict.
// Real data where there is some: the sample incident's metrics and traces, replay rows shaped
// as the engine writes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../../electron/services/bundles/open';
import { importBundleMetrics } from '../../../electron/services/canary/judge-bundle';
import { symptomSchema, type Symptom } from '../../../shared/bundle/symptoms';
import { pooledValues } from '../../../shared/canary/prometheus';
import { importTraceTexts } from '../../../shared/traces/detect';
import { computeVerdict, type VerdictInputs } from '../../../shared/verdict/compute';
import { decideVerdict } from '../../../shared/verdict/decide';
import { judgeLogs } from '../../../shared/verdict/logs';
import { compareLogs } from '../../../shared/logs/compare';
import { Level, levelFromText } from '../../../shared/logs/levels';
import { judgeMetrics, metricQuantity, quantile, type IncidentMetric, type ReproMeasurements } from '../../../shared/verdict/metrics';
import { judgeReplay, type ReplayInput } from '../../../shared/verdict/replay';
import { judgeRunbook } from '../../../shared/verdict/runbook';
import { judgeSymptoms, type Observation } from '../../../shared/verdict/symptoms';
import { judgeTraces } from '../../../shared/verdict/traces';
import type { Evidence, EvidenceKind, EvidenceVerdict } from '../../../shared/verdict/types';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'incident-checkout');
const URL_OF = (cart: string) => `http://checkout:8080/cgi-bin/checkout?cart=${cart}`;
/** The sample's recorded traffic: [cart, recorded status]. */
const TRAFFIC: Array<[string, number]> = [['small', 200], ['medium', 200], ['big', 200], ['legacy', 502], ['gift', 402], ['small', 200], ['big', 200], ['legacy', 502]];

function replay(replayed: Array<{ status: number | null; outcome?: 'matched' | 'mismatched' | 'error'; latencyMs?: number; diff?: string }>, extra: Partial<ReplayInput> = {}): ReplayInput {
  const results = replayed.map((r, index) => {
    const [cart, recordedStatus] = TRAFFIC[index]!;
    const outcome = r.outcome ?? (r.status === recordedStatus ? 'matched' : r.status === null ? 'error' : 'mismatched');
    return {
      index,
      method: 'GET',
      url: URL_OF(cart),
      status: r.status,
      recordedStatus,
      outcome,
      ...(outcome === 'mismatched' ? { diff: r.diff ?? `status: recorded ${recordedStatus}, replayed ${r.status}` } : {}),
      ...(outcome === 'error' ? { error: 'connection refused' } : {}),
    };
  });
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  return {
    id: 'r1',
    mode: 'max',
    cancelled: false,
    total: TRAFFIC.length,
    sent: results.length,
    matched: count('matched'),
    mismatched: count('mismatched'),
    errors: count('error'),
    successRate: count('matched') / results.length,
    finishedAt: '2026-11-20T14:10:00Z',
    latency: { judgement: { verdict: 'as-slow', reason: 'not told apart' } },
    results,
    ...extra,
  };
}

const faithful = () => replay(TRAFFIC.map(([, s]) => ({ status: s })));
const flagOff = () => replay(TRAFFIC.map(([cart, s]) => ({ status: cart === 'legacy' ? 200 : s })));

const ev = (kind: EvidenceKind, verdict: EvidenceVerdict, explanation = `${kind} says ${verdict}.`): Evidence => ({ kind, verdict, explanation, details: {} });

describe('replay evidence', () => {
  it('is reproduced when every recorded response came back, and names the failing ones it is about', () => {
    const e = judgeReplay(faithful(), 7);
    expect(e).toMatchObject({ kind: 'replay', verdict: 'reproduced', recordEvents: [7], details: { focus: 'failing', focusCount: 2, focusMatched: 2 } });
    expect(e.explanation).toBe("All 8 replayed requests got the recorded answer (noise aside), the incident's 2 failing responses (502) included.");
  });

  it('is not reproduced when none of the incident failures came back, and says how the first differs', () => {
    const e = judgeReplay(flagOff());
    expect(e.verdict).toBe('not-reproduced');
    expect(e.explanation).toBe("None of the incident's 2 failing responses (502) came back: GET /cgi-bin/checkout?cart=legacy answered 200 where the incident answered 502 (and 1 more).");
  });

  it('is inconclusive when only some came back, or they got no answer', () => {
    const some = judgeReplay(replay(TRAFFIC.map(([cart, s], i) => ({ status: cart === 'legacy' && i === 7 ? 200 : s }))));
    expect(some.verdict).toBe('inconclusive');
    expect(some.explanation).toMatch(/^Only 1 of the incident's 2 failing responses \(502\) came back as recorded/);
    const dead = judgeReplay(replay(TRAFFIC.map(([cart, s]) => ({ status: cart === 'legacy' ? null : s }))));
    expect(dead.verdict).toBe('inconclusive');
    expect(dead.explanation).toMatch(/got no answer \(connection refused\)/);
  });

  it('counts other responses that differ against nothing, but says so', () => {
    const e = judgeReplay(replay(TRAFFIC.map(([cart, s]) => ({ status: s, ...(cart === 'gift' ? { outcome: 'mismatched' as const, diff: 'body: 1 JSON difference\n  $.reason: "card_expired" -> "card_lost"' } : {}) }))));
    expect(e.verdict).toBe('reproduced');
    expect(e.explanation).toBe("The incident's 2 failing responses (502) came back as recorded; 1 other response differs (GET /cgi-bin/checkout?cart=gift answered 402 with a different body (body: 1 JSON difference)).");
  });

  it('looks at every response when the incident had no failing one; a stopped replay says so; no replay is missing', () => {
    const ok = replay([{ status: 200 }, { status: 200 }], { total: 8, sent: 2, cancelled: true });
    const e = judgeReplay(ok);
    expect(e).toMatchObject({ verdict: 'reproduced', details: { focus: 'all', focusCount: 2 } });
    expect(e.explanation).toContain('(the replay was stopped after 2 of 8 requests)');
    expect(judgeReplay(undefined)).toMatchObject({ verdict: 'missing', explanation: expect.stringMatching(/No replay has run/) });
    expect(judgeReplay(replay([], { sent: 0 })).verdict).toBe('missing');
  });
});

describe('symptom evidence', () => {
  const symptoms: Symptom[] = [
    { name: 'legacy 502', request: 'GET /cgi-bin/checkout?cart=legacy', service: 'checkout', status: 502, json: { path: '$.error', equals: 'pricing failed' } },
    { name: 'big is slow', request: 'GET /cgi-bin/checkout?cart=big', latencyMs: { above: 1400 } },
  ];
  const obs = (cart: string, status: number | null, latencyMs: number, body?: unknown, extra: Partial<Observation> = {}): Observation => ({ method: 'GET', url: URL_OF(cart), status, latencyMs, bodyKnown: body !== undefined, ...(body !== undefined ? { body } : {}), ...extra });

  it('reproduced when every symptom shows on a request it names', () => {
    const e = judgeSymptoms(symptoms, [obs('legacy', 502, 300, { error: 'pricing failed', cart: 'legacy' }), obs('big', 200, 1650, {}), obs('big', 200, 1390, {}), obs('small', 200, 200, {})])!;
    expect(e.verdict).toBe('reproduced');
    expect(e.details.symptoms.map((s) => [s.outcome, s.requests, s.shown])).toEqual([['shown', 1, 1], ['shown', 2, 1]]);
    expect(e.explanation).toBe('Both of the incident\'s symptoms show again: “legacy 502” on 1 of 1 request; “big is slow” on 1 of 2 requests.');
  });

  it('not reproduced when no symptom shows; inconclusive when some do, or a symptom was not exercised', () => {
    const none = judgeSymptoms(symptoms, [obs('legacy', 200, 300, { cart: 'legacy', total: '31.70' }), obs('big', 200, 400, {})])!;
    expect(none.verdict).toBe('not-reproduced');
    expect(none.explanation).toContain('“legacy 502”');
    const half = judgeSymptoms(symptoms, [obs('legacy', 200, 300, { cart: 'legacy' }), obs('big', 200, 1500, {})])!;
    expect(half.verdict).toBe('inconclusive');
    expect(half.explanation).toMatch(/“legacy 502” does not \(GET \/cgi-bin\/checkout\?cart=legacy: status 200, no \$\.error\); “big is slow” shows/);
    const unexercised = judgeSymptoms(symptoms, [obs('legacy', 502, 300, { error: 'pricing failed' })])!;
    expect(unexercised.verdict).toBe('inconclusive');
    expect(unexercised.explanation).toContain('was not exercised (no replayed request is GET /cgi-bin/checkout?cart=big)');
  });

  it('matches method, path, the query parameters named, the service and a status class', () => {
    const s = [{ name: 'x', request: 'GET /cgi-bin/checkout?cart=legacy', service: 'pricing', status: '5xx' }] as Symptom[];
    expect(judgeSymptoms(s, [obs('legacy', 502, 1, {})])!.details.symptoms[0]!.outcome).toBe('not-exercised'); // another service
    const anySvc = [{ name: 'x', request: 'GET /cgi-bin/checkout?cart=legacy', status: '5xx' }] as Symptom[];
    expect(judgeSymptoms(anySvc, [{ ...obs('legacy', 503, 1, {}), url: `${URL_OF('legacy')}&coupon=1` }])!.verdict).toBe('reproduced');
    expect(judgeSymptoms([{ name: 'x', request: 'POST /cgi-bin/checkout', status: 502 }], [obs('legacy', 502, 1, {})])!.details.symptoms[0]!.outcome).toBe('not-exercised');
  });

  it('a JSON value is unknown when the body is not known, or when the path is noise of a matched response', () => {
    const j = [symptoms[0]!];
    expect(judgeSymptoms(j, [obs('legacy', 502, 1, undefined)])!.details.symptoms[0]!.outcome).toBe('unknown');
    expect(judgeSymptoms(j, [obs('legacy', 502, 1, { error: 'pricing failed' }, { unknownPaths: ['$.error'] })])!.details.symptoms[0]!.outcome).toBe('unknown');
    expect(judgeSymptoms(j, [obs('legacy', 502, 1, { error: 'pricing failed' }, { unknownPaths: ['$.servedAt'] })])!.verdict).toBe('reproduced');
  });

  it('is missing before any replay, and absent when the bundle names none', () => {
    expect(judgeSymptoms(symptoms, undefined)!.verdict).toBe('missing');
    expect(judgeSymptoms(undefined, [])).toBeUndefined();
  });

  it('the manifest schema takes a symptom with a request and conditions, and refuses a malformed one', () => {
    expect(symptomSchema.safeParse(symptoms[0]).success).toBe(true);
    expect(symptomSchema.safeParse({ name: 'x', request: '/no-method', status: 502 }).success).toBe(false);
    expect(symptomSchema.safeParse({ name: 'x', request: 'GET /a', status: 700 }).success).toBe(false);
    expect(symptomSchema.safeParse({ name: 'x', request: 'GET /a', status: '5xx', extra: 1 }).success).toBe(false);
  });
});

describe('metrics evidence', () => {
  async function sampleMetrics(): Promise<IncidentMetric[]> {
    const bundle = await openBundle(sample);
    return importBundleMetrics(bundle.root, bundle.manifest, sample).map((m) => ({ name: m.config.name, group: m.config.group, critical: m.config.critical, canary: pooledValues(m.canary), baseline: pooledValues(m.baseline) }));
  }
  const run = (latenciesMs: number[], serverErrors = 0): ReproMeasurements => ({ runs: [{ source: 'replay r1', latenciesMs, answered: latenciesMs.length, serverErrors }] });

  it('reads what each metric measures from its name', () => {
    expect(metricQuantity('http_p99_latency_seconds', 'latency')).toEqual({ kind: 'latency', unit: 's', statistic: { kind: 'quantile', q: 0.99 } });
    expect(metricQuantity('checkout_latency_p95_ms')).toEqual({ kind: 'latency', unit: 'ms', statistic: { kind: 'quantile', q: 0.95 } });
    expect(metricQuantity('http_request_duration_seconds_avg')).toEqual({ kind: 'latency', unit: 's', statistic: { kind: 'mean' } });
    expect(metricQuantity('http_request_duration_seconds')).toEqual({ kind: 'latency', unit: 's', statistic: { kind: 'each' } });
    expect(metricQuantity('http_5xx_ratio', 'errors')).toEqual({ kind: 'error-ratio', scale: 1 });
    expect(metricQuantity('error_percent')).toEqual({ kind: 'error-ratio', scale: 100 });
    expect(metricQuantity('container_cpu_usage', 'saturation')).toEqual({ kind: 'other' });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.99)).toBeCloseTo(19.9);
  });

  it("a run whose p99 sits with the sample incident's canary is like the canary (reproduced); one like prod's baseline is not", async () => {
    const metrics = await sampleMetrics();
    // The sample's tiered engine: a 14-line cart takes 1.4 s of lookups plus the rest.
    const slow = judgeMetrics(metrics, run([320, 610, 1780, 330, 260, 300, 1820, 340], 2));
    expect(slow.verdict).toBe('reproduced');
    expect(slow.details.metrics.map((m) => [m.name, m.verdict, m.samples])).toEqual([['http_p99_latency_seconds', 'like-canary', 1], ['http_5xx_ratio', 'inconclusive', 1]]);
    expect(slow.explanation).toMatch(/^The reproduction behaves like the incident's canary on http_p99_latency_seconds.*; 1 other metric is inconclusive\.$/);
    const fast = judgeMetrics(metrics, run([150, 180, 200, 170, 160, 150, 210, 190], 0));
    expect(fast.verdict).toBe('not-reproduced');
    expect(fast.details.metrics.find((m) => m.name === 'http_5xx_ratio')!.verdict).toBe('like-baseline');
  });

  it('says the metrics disagree, and what is missing: no canary section, nothing it can measure, nothing measured', async () => {
    const metrics = await sampleMetrics();
    const split = judgeMetrics(metrics, run([150, 2100, 1900, 170], 0));
    expect(split.verdict).toBe('inconclusive');
    expect(split.explanation).toBe("The metrics disagree: http_p99_latency_seconds behaves like the incident's canary, http_5xx_ratio like its baseline.");
    expect(judgeMetrics(undefined, run([1]))).toMatchObject({ verdict: 'missing', explanation: 'The bundle has no canary metrics to compare the reproduction with.' });
    const cpu = judgeMetrics([{ name: 'cpu_usage', canary: [1], baseline: [0] }], run([1]));
    expect(cpu).toMatchObject({ verdict: 'missing', explanation: expect.stringMatching(/is a request latency or an error ratio/) });
    expect(judgeMetrics(metrics, { runs: [] })).toMatchObject({ verdict: 'missing', explanation: expect.stringMatching(/^Nothing measured yet/) });
  });

  it('is deterministic', async () => {
    const metrics = await sampleMetrics();
    const m = run([320, 610, 1780, 330, 260, 300, 1820, 340], 2);
    expect(judgeMetrics(metrics, m)).toEqual(judgeMetrics(metrics, m));
  });
});

describe('trace evidence', () => {
  const incidentText = readFileSync(join(sample, 'traces', 'incident.otlp.json'), 'utf8');
  const incident = importTraceTexts([{ name: 'incident.otlp.json', text: incidentText }]).set;
  const doc = JSON.parse(incidentText) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; name: string; status?: { code?: number } }> }> }> };
  const reproOf = (edit: (spans: Array<{ traceId: string; name: string; status?: { code?: number } }>) => Array<{ traceId: string; name: string; status?: { code?: number } }>) => {
    const copy = structuredClone(doc);
    for (const rs of copy.resourceSpans) for (const ss of rs.scopeSpans) ss.spans = edit(ss.spans);
    return importTraceTexts([{ name: 'repro.json', text: JSON.stringify(copy) }]).set;
  };

  it("reproduced when the incident's error traces and its slowest trace have a structural match", () => {
    const e = judgeTraces(incident, reproOf((s) => s));
    expect(e.verdict).toBe('reproduced');
    expect(e.details.pairs.map((p) => [p.why, p.outcome])).toEqual([['errors', 'matches'], ['errors', 'matches'], ['slowest', 'matches']]);
    expect(e.explanation).toMatch(/^The reproduction's traces have the incident's calls and errors: 3 traces that matter/);
  });

  it('not reproduced when the counterparts take another path (no error, no per-line lookups)', () => {
    const errorTraces = new Set(incident.traces.filter((t) => t.errorCount > 0).map((t) => t.traceId));
    // As with the flag off: nothing fails, and no cart gets more than four per-line lookups.
    const e = judgeTraces(incident, reproOf((spans) => spans.filter((s) => !/tier lookup line (1[0-4]|[5-9])$/.test(s.name)).map((s) => (errorTraces.has(s.traceId) ? { ...s, status: {} } : s))));
    expect(e.verdict).toBe('not-reproduced');
    expect(e.explanation).toMatch(/^The reproduction's traces take another path than the incident's: for the error trace at checkout GET \/cgi-bin\/checkout, first divergence at checkout GET \/cgi-bin\/checkout: the incident has 1 error\(s\), the reproduction has 0\./);
  });

  it('inconclusive when no reproduction trace starts where the incident ones do; missing without traces on a side', () => {
    const other = reproOf((spans) => spans.map((s) => ({ ...s, name: `other ${s.name}` })));
    expect(judgeTraces(incident, other)).toMatchObject({ verdict: 'inconclusive', explanation: 'No reproduction trace starts where the incident\'s do (checkout GET /cgi-bin/checkout).' });
    expect(judgeTraces(incident, undefined).verdict).toBe('missing');
    expect(judgeTraces(undefined, incident, { incidentNote: 'no traces in the bundle' })).toMatchObject({ verdict: 'missing', explanation: 'no traces in the bundle' });
  });
});

describe('log and runbook evidence', () => {
  // The sample incident's own log lines, compared by the logs area's one implementation (shared/logs/compare.ts).
  const incidentLogs = ['checkout', 'pricing'].flatMap((f) =>
    readFileSync(join(sample, 'logs', `${f}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { msg: string; level: string; service: string })
      .map((r) => ({ msg: r.msg, level: levelFromText(r.level), service: r.service })),
  );
  const errors = incidentLogs.filter((r) => r.level >= Level.error);
  const info = incidentLogs.filter((r) => r.level < Level.error);
  const line = (service: string, level: 'info' | 'error', msg: string) => ({ service, level: Level[level], msg });

  it('logs: all of the incident error templates, none, some, or nothing to compare', () => {
    const templates = new Set(compareLogs(incidentLogs, []).missing.map((m) => m.template));
    expect(templates.size).toBeGreaterThanOrEqual(2);
    // The reproduction logs every kind of error the incident did (other carts, other counts): reproduced.
    const all = judgeLogs(compareLogs(incidentLogs, [...info.slice(0, 50), ...errors.filter((_, i) => i % 10 === 0)]));
    expect(all).toMatchObject({ verdict: 'reproduced', details: { errorTemplates: templates.size } });
    expect(all.explanation).toMatch(new RegExp(`^The reproduction logged all ${templates.size} error templates of the incident, e.g. "`));
    // Only healthy lines, the flag-off build's: none of the errors, not reproduced.
    const none = judgeLogs(compareLogs(incidentLogs, [...info.slice(0, 50), line('checkout', 'info', 'priced cart legacy: 14 lines (classic engine)')]));
    expect(none.verdict).toBe('not-reproduced');
    expect(none.explanation).toMatch(/^None of the incident's \d+ error templates appears in the reproduction's logs/);
    // Some of them (checkout's errors, not pricing's): inconclusive.
    const some = judgeLogs(compareLogs(incidentLogs, errors.filter((r) => r.service === 'checkout')));
    expect(some.verdict).toBe('inconclusive');
    expect(some.explanation).toMatch(/^The reproduction logged \d+ of the incident's \d+ error templates; missing: "/);
    // An incident that logged no errors cannot tell; a reproduction that logged nothing is no evidence yet.
    expect(judgeLogs(compareLogs(info, info)).verdict).toBe('inconclusive');
    expect(judgeLogs(compareLogs(incidentLogs, [])).verdict).toBe('missing');
    expect(judgeLogs(undefined, { bundleHasLogs: false })).toMatchObject({ verdict: 'missing', explanation: 'The bundle has no logs to compare the reproduction with.' });
  });

  it('runbook: the latest run of each expect step counts', () => {
    const step = (id: number, at: number, index: number, ok: boolean) => ({ id, at, data: { index, kind: 'expect', text: `status ${index}`, ok, expectation: { ok, results: [{ assertion: `status ${index}`, ok, message: ok ? 'ok' : 'got 200' }] } } });
    const sh = { id: 1, at: 1, data: { index: 0, kind: 'sh', ok: true } };
    expect(judgeRunbook([sh]).verdict).toBe('missing');
    expect(judgeRunbook([sh, step(2, 2, 1, true), step(3, 3, 3, true)])).toMatchObject({ verdict: 'reproduced', recordEvents: [2, 3] });
    const again = judgeRunbook([step(2, 2, 1, true), step(3, 3, 3, true), step(4, 4, 1, false), step(5, 5, 3, false)]);
    expect(again).toMatchObject({ verdict: 'not-reproduced', recordEvents: [4, 5] });
    expect(again.explanation).toBe("None of the runbook's 2 expect steps run in this session passed (step 2: status 1: got 200).");
    expect(judgeRunbook([step(2, 2, 1, true), step(5, 5, 3, false)]).verdict).toBe('inconclusive');
  });
});

describe('the one verdict', () => {
  it('1. symptoms decide first; another evidence agreeing makes it high confidence (the replay, from the same responses, does not)', () => {
    const d = decideVerdict([ev('symptoms', 'reproduced'), ev('replay', 'reproduced'), ev('metrics', 'reproduced'), ev('traces', 'missing')]);
    expect(d).toEqual({ verdict: 'reproduced', confidence: 'high', decidedBy: 'symptoms', reasons: ['symptoms says reproduced.', 'metrics says reproduced.'] });
    expect(decideVerdict([ev('symptoms', 'reproduced'), ev('replay', 'reproduced'), ev('metrics', 'inconclusive'), ev('traces', 'missing')])).toMatchObject({
      confidence: 'medium',
      reasons: ['symptoms says reproduced.', 'Nothing else confirms it yet (not available: traces).'],
    });
    const no = decideVerdict([ev('symptoms', 'not-reproduced'), ev('replay', 'reproduced'), ev('metrics', 'missing')]);
    expect(no).toMatchObject({ verdict: 'not-reproduced', confidence: 'low', reasons: ['symptoms says not-reproduced.', 'But the replay says otherwise: replay says reproduced.'] });
  });

  it('2. the replay: reproduced with like-canary metrics is high; with like-baseline metrics it is inconclusive', () => {
    expect(decideVerdict([ev('replay', 'reproduced'), ev('metrics', 'reproduced')])).toMatchObject({ verdict: 'reproduced', confidence: 'high', decidedBy: 'replay', reasons: ['replay says reproduced.', 'metrics says reproduced.'] });
    expect(decideVerdict([ev('replay', 'reproduced'), ev('metrics', 'not-reproduced')])).toMatchObject({ verdict: 'inconclusive', confidence: 'low', reasons: ['replay says reproduced.', "But the metrics look like the incident's baseline: metrics says not-reproduced."] });
    expect(decideVerdict([ev('replay', 'not-reproduced'), ev('metrics', 'not-reproduced')])).toMatchObject({ verdict: 'not-reproduced', confidence: 'high' });
    expect(decideVerdict([ev('replay', 'reproduced'), ev('metrics', 'missing'), ev('traces', 'missing')])).toMatchObject({
      verdict: 'reproduced',
      confidence: 'medium',
      reasons: ['replay says reproduced.', 'Nothing else confirms it yet (not available: metrics, traces).'],
    });
  });

  it('3. without symptoms or replay, the rest decide when they agree; unclear symptoms lower the confidence', () => {
    expect(decideVerdict([ev('replay', 'missing'), ev('logs', 'reproduced'), ev('runbook', 'reproduced')])).toMatchObject({ verdict: 'reproduced', confidence: 'medium', decidedBy: 'logs' });
    expect(decideVerdict([ev('replay', 'missing'), ev('runbook', 'not-reproduced')])).toMatchObject({ verdict: 'not-reproduced', confidence: 'low' });
    expect(decideVerdict([ev('logs', 'reproduced'), ev('runbook', 'not-reproduced')])).toMatchObject({ verdict: 'inconclusive', reasons: ['The evidence disagrees: logs say reproduced, runbook not reproduced.', 'logs says reproduced.'] });
    expect(decideVerdict([ev('symptoms', 'inconclusive'), ev('replay', 'reproduced'), ev('metrics', 'reproduced')])).toMatchObject({ verdict: 'reproduced', confidence: 'medium' });
  });

  it('inconclusive for want of evidence says what is missing', () => {
    expect(decideVerdict([ev('replay', 'missing'), ev('metrics', 'missing'), ev('runbook', 'missing')])).toEqual({ verdict: 'inconclusive', confidence: 'low', reasons: ['Not enough evidence yet: nothing from replay, metrics, runbook.'] });
    expect(decideVerdict([ev('replay', 'inconclusive', 'Half came back.'), ev('metrics', 'missing')])).toMatchObject({ verdict: 'inconclusive', reasons: ['Half came back.', 'Not available yet: metrics.'], decidedBy: 'replay' });
  });

  it('a bundle with no metrics or traces gets its verdict from the replay and says what is missing', () => {
    const inputs: VerdictInputs = { replay: { report: faithful(), recordEvent: 3 }, measurements: { runs: [] }, traces: { incidentNote: 'The bundle has no traces to compare the reproduction with.' }, logs: { bundleHasLogs: false }, steps: [] };
    const v = computeVerdict(inputs);
    expect(v).toMatchObject({ verdict: 'reproduced', confidence: 'medium', decidedBy: 'replay', missing: ['metrics', 'traces', 'logs', 'runbook'] });
    expect(v.reasons[1]).toBe('Nothing else confirms it yet (not available: metrics, traces, logs, runbook).');
    expect(v.evidence.find((e) => e.kind === 'metrics')!.explanation).toBe('The bundle has no canary metrics to compare the reproduction with.');
    expect(v.evidence.map((e) => e.kind)).toEqual(['replay', 'metrics', 'traces', 'logs', 'runbook']);
  });
});
