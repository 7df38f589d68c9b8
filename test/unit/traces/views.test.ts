/** Step-through navigation, waterfall rows, service map, trace search and compare. */
import { describe, expect, it } from 'vitest';
import { activeAt, ancestry, deepestActiveAt, firstChild, nextError, nextSibling, nextSpan, parentSpan, prevError, prevSpan } from '../../../shared/traces/navigation';
import { collapseBelow, revealSpan, visibleRows } from '../../../shared/traces/rows';
import { serviceMap } from '../../../shared/traces/service-map';
import { searchTraces } from '../../../shared/traces/search';
import { compareTraces } from '../../../shared/traces/compare';
import { importTraceDocuments } from '../../../shared/traces/detect';
import { fixtureText, handTrace, idx, loadFixture, type HandSpan } from './fixtures';

const checkout: HandSpan[] = [
  { id: 'root', service: 'gateway', name: 'GET /checkout', start: 0, end: 1000 },
  { id: 'auth', parent: 'root', service: 'auth', name: 'verify', start: 10, end: 60 },
  { id: 'cart', parent: 'root', service: 'cart', name: 'load', start: 70, end: 300 },
  { id: 'db1', parent: 'cart', service: 'db', name: 'SELECT', start: 80, end: 200, error: true },
  { id: 'price', parent: 'root', service: 'pricing', name: 'quote', start: 310, end: 900 },
  { id: 'db2', parent: 'price', service: 'db', name: 'SELECT', start: 320, end: 500 },
  { id: 'db3', parent: 'price', service: 'db', name: 'SELECT', start: 510, end: 880, error: true },
];

describe('step-through navigation', () => {
  const r = handTrace(checkout);
  const t = r.set.traces[0]!;
  const i = (id: string) => idx(r, id);

  it('next/previous walk spans in start order', () => {
    const order: number[] = [];
    for (let k = 0; k >= 0; k = nextSpan(t, k)) order.push(k);
    expect(order.map((k) => r.set.names[t.name[k]!])).toEqual(['GET /checkout', 'verify', 'load', 'SELECT', 'quote', 'SELECT', 'SELECT']);
    expect(prevSpan(t, 0)).toBe(-1);
    expect(prevSpan(t, i('cart'))).toBe(i('auth'));
  });

  it('next error wraps around; previous error goes back', () => {
    expect(nextError(t, -1)).toBe(i('db1'));
    expect(nextError(t, i('db1'))).toBe(i('db3'));
    expect(nextError(t, i('db3'))).toBe(i('db1'));
    expect(nextError(t, i('db3'), false)).toBe(-1);
    expect(prevError(t, i('db3'))).toBe(i('db1'));
  });

  it('parent, first child, next sibling, ancestry', () => {
    expect(parentSpan(t, i('db2'))).toBe(i('price'));
    expect(parentSpan(t, i('root'))).toBe(-1);
    expect(firstChild(t, i('price'))).toBe(i('db2'));
    expect(firstChild(t, i('db2'))).toBe(-1);
    expect(nextSibling(t, i('auth'))).toBe(i('cart'));
    expect(nextSibling(t, i('price'))).toBe(-1);
    expect(ancestry(t, i('db3'))).toEqual([i('root'), i('price'), i('db3')]);
  });

  it('the playhead shows which spans are active at an instant', () => {
    const names = (time: number) => Array.from(activeAt(t, time).spans).map((k) => t.spanId[k]).length;
    expect(names(90)).toBe(3); // root, cart, db1
    expect(Array.from(activeAt(t, 600).spans).sort()).toEqual([i('root'), i('price'), i('db3')].sort());
    expect(deepestActiveAt(t, 600)).toBe(i('db3'));
    expect(activeAt(t, 1000).count).toBe(0);
    // Reuses a caller's buffer: no allocation per playhead move.
    const buf = new Int32Array(8);
    expect(activeAt(t, 90, buf).spans.buffer).toBe(buf.buffer);
  });
});

describe('waterfall rows', () => {
  const r = handTrace(checkout);
  const t = r.set.traces[0]!;
  it('are the tree in depth-first order; collapsing hides subtrees; reveal opens ancestors', () => {
    const all = Array.from(visibleRows(t)).map((k) => t.spanId[k]);
    expect(all.length).toBe(7);
    expect(Array.from(visibleRows(t)).map((k) => r.set.names[t.name[k]!])).toEqual([
      'GET /checkout', 'verify', 'load', 'SELECT', 'quote', 'SELECT', 'SELECT',
    ]);
    const collapsed = collapseBelow(t, 1);
    expect(visibleRows(t, collapsed).length).toBe(4);
    expect(revealSpan(t, collapsed, idx(r, 'db3'))).toBe(true);
    expect(visibleRows(t, collapsed).length).toBe(6);
  });
});

describe('service map', () => {
  it('counts calls between services and the errors of the called side', () => {
    const r = handTrace(checkout);
    const m = serviceMap(r.set, r.set.traces[0]!);
    expect(m.edges).toEqual([
      { from: 'pricing', to: 'db', calls: 2, errors: 1 },
      { from: 'cart', to: 'db', calls: 1, errors: 1 },
      { from: 'gateway', to: 'auth', calls: 1, errors: 0 },
      { from: 'gateway', to: 'cart', calls: 1, errors: 0 },
      { from: 'gateway', to: 'pricing', calls: 1, errors: 0 },
    ]);
    expect(m.nodes.find((n) => n.service === 'db')).toMatchObject({ spans: 3, errors: 2 });
  });

  it('on the HotROD trace: frontend calls customer, driver and route', () => {
    const { set } = loadFixture('otlp/getTrace-response.json');
    const m = serviceMap(set, set.traces[0]!);
    const from = (s: string) => m.edges.filter((e) => e.from === s).map((e) => e.to).sort();
    expect(from('frontend')).toEqual(['customer', 'driver', 'route']);
    expect(m.edges.find((e) => e.to === 'redis-manual')!.errors).toBe(3);
  });
});

describe('trace list search', () => {
  const { set, raw } = loadFixture('otlp/getTrace-response.json');

  it('filters by service, operation, duration, errors and attributes, and sorts', () => {
    expect(searchTraces(set, raw, { service: 'mysql' })).toHaveLength(1);
    expect(searchTraces(set, raw, { service: 'nope' })).toHaveLength(0);
    expect(searchTraces(set, raw, { operation: 'getdriver' })).toHaveLength(1);
    expect(searchTraces(set, raw, { minDurationMs: 700 })).toHaveLength(1);
    expect(searchTraces(set, raw, { maxDurationMs: 700 })).toHaveLength(0);
    expect(searchTraces(set, raw, { errorsOnly: true })[0]!.errorCount).toBe(3);
    expect(searchTraces(set, raw, { attribute: 'http.response.status_code=200' })).toHaveLength(1);
    expect(searchTraces(set, raw, { attribute: 'http.response.status_code=599' })).toHaveLength(0);
    expect(searchTraces(set, raw, { attribute: 'host.name=2fd43f7d79c6' })).toHaveLength(1); // resource attribute
    expect(searchTraces(set, raw, { attribute: 'no-such-text-anywhere' })).toHaveLength(0);
  });

  it('sorts several traces by duration, spans, errors or start', () => {
    const files = ['otlp/getTrace-response.json', 'zipkin/yelp.json', 'zipkin/skew.json', 'jaeger/ui_01.json'];
    const docs = files.map((f) => ({ name: f, doc: JSON.parse(fixtureText(f)) }));
    const many = importTraceDocuments(docs);
    expect(many.set.traces).toHaveLength(4);
    const byDuration = searchTraces(many.set, many.raw, {}, 'duration', true).map((t) => t.durationUs);
    expect(byDuration).toEqual([...byDuration].sort((x, y) => y - x));
    expect(searchTraces(many.set, many.raw, {}, 'spans', true)[0]!.spanCount).toBe(40);
    const byStart = searchTraces(many.set, many.raw, {}, 'start').map((t) => BigInt(t.startUnixNs));
    expect(byStart).toEqual([...byStart].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(searchTraces(many.set, many.raw, { errorsOnly: true }, 'errors', true).map((t) => t.errorCount)).toEqual([3, 1]);
  });
});

describe('compare', () => {
  const incident = handTrace(checkout, 'a1');
  const repro = handTrace(
    [
      ...checkout.filter((s) => s.id !== 'db3').map((s) => (s.id === 'db2' ? { ...s, end: 900 } : s)),
      { id: 'cache', parent: 'price', service: 'cache', name: 'GET', start: 320, end: 330 },
    ],
    'b2',
  );

  it('aligns by the service/operation path and reports count changes, missing spans and durations', () => {
    const c = compareTraces(incident.set, incident.set.traces[0]!, repro.set, repro.set.traces[0]!, { labels: { a: 'incident', b: 'reproduction' } });
    const row = (svc: string, name: string) => c.rows.find((r) => r.service === svc && r.name === name && r.depth > 0 && (svc !== 'db' || r.depth === 2));
    expect(c.rows.map((r) => `${'  '.repeat(r.depth)}${r.service}:${r.name}:${r.status}`)).toEqual([
      'gateway:GET /checkout:same',
      '  auth:verify:same',
      '  cart:load:same',
      '    db:SELECT:same',
      '  pricing:quote:same',
      '    db:SELECT:count',
      '    cache:GET:only-b',
    ]);
    expect(row('db', 'SELECT')).toBeDefined();
    expect(c.firstDivergence).toBe(5);
    expect(c.summary).toBe('First divergence at gateway GET /checkout > pricing quote > db SELECT: incident has 2 spans, reproduction has 1 span.');
    expect(c.counts['only-b']).toBe(1);
  });

  it('reports no divergence for a trace against itself, and timing changes when only durations differ', () => {
    const self = compareTraces(incident.set, incident.set.traces[0]!, incident.set, incident.set.traces[0]!);
    expect(self.firstDivergence).toBe(-1);
    expect(self.summary).toMatch(/No divergence/);
    const slow = handTrace(checkout.map((s) => (s.id === 'auth' ? { ...s, end: 5000 } : s)), 'c3');
    const c = compareTraces(incident.set, incident.set.traces[0]!, slow.set, slow.set.traces[0]!);
    expect(c.rows[c.firstDivergence]).toMatchObject({ service: 'auth', status: 'slower', meanDeltaUs: 4990 - 50 });
  });
});
