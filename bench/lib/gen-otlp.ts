/**
 * Deterministic generator of large synthetic OTLP/JSON traces, for benchmarks and scale tests.
 * Shapes resemble real services: a fan-out call tree across ~20 services, spans grouped by
 * resource (as SDK exporters send them), a few attributes each, some events, ~1% errors, and
 * times written as nanosecond strings. Written in chunks so a 500k-span file never needs one
 * giant string on the generating side.
 */
import { mulberry32 } from '../../shared/random';

export interface GenOptions {
  /** Spans per trace. */
  spans: number;
  traces?: number;
  seed?: number;
  /** Maximum children of one span (default 8). */
  fanout?: number;
}


const SERVICES = [
  'gateway', 'checkout', 'cart', 'pricing', 'inventory', 'payments', 'fraud', 'shipping', 'users', 'auth',
  'catalog', 'search', 'recommend', 'reviews', 'notify', 'email', 'ledger', 'tax', 'currency', 'ads',
];
const OPS = ['GET /api/items', 'POST /api/orders', 'SELECT', 'INSERT', 'cache.get', 'cache.set', 'rpc.Call', 'publish', 'consume', 'render'];

function hex(r: () => number, digits: number): string {
  let s = '';
  while (s.length < digits) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, digits);
}

/** Yields the OTLP/JSON document in text chunks. */
export function* generateOtlpChunks(opts: GenOptions): Generator<string> {
  const r = mulberry32(opts.seed ?? 42);
  const traces = opts.traces ?? 1;
  const fanout = opts.fanout ?? 8;
  const n = opts.spans;
  const baseNs = 1_786_000_000_000_000_000n;
  yield '{"resourceSpans":[';
  let firstResource = true;
  for (let tr = 0; tr < traces; tr++) {
    const traceId = hex(r, 32);
    // Build the tree column-wise: parent, start/end (µs from trace start), service, op.
    const parent = new Int32Array(n);
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const service = new Uint8Array(n);
    const op = new Uint8Array(n);
    const depth = new Uint16Array(n);
    const kids = new Uint16Array(n);
    parent[0] = -1;
    start[0] = 0;
    end[0] = n * 4 + 1000;
    // Breadth-first fill: each new span picks a parent among recent spans with room for children.
    let cursor = 0;
    for (let i = 1; i < n; i++) {
      while (kids[cursor]! >= fanout || (depth[cursor]! > 24 && cursor < i - 1)) cursor++;
      const p = r() < 0.7 ? cursor : Math.max(0, i - 1 - Math.floor(r() * Math.min(i, 50)));
      const pp = kids[p]! < 65535 && depth[p]! < 60 ? p : cursor;
      parent[i] = pp;
      kids[pp]!++;
      depth[i] = depth[pp]! + 1;
      const ps = start[pp]!;
      const pl = end[pp]! - ps;
      const s = ps + r() * pl * 0.6;
      start[i] = s;
      end[i] = s + Math.max(1, r() * (ps + pl - s) * 0.9);
      service[i] = r() < 0.5 ? service[pp]! : Math.floor(r() * SERVICES.length);
      op[i] = Math.floor(r() * OPS.length);
    }
    const ids: string[] = new Array(n);
    for (let i = 0; i < n; i++) ids[i] = hex(r, 16);
    const toNs = (us: number) => (baseNs + BigInt(tr) * 10_000_000_000n + BigInt(Math.round(us * 1000))).toString();
    // Group by service: one resourceSpans entry per service per trace.
    for (let svc = 0; svc < SERVICES.length; svc++) {
      let first = true;
      for (let i = 0; i < n; i++) {
        if (service[i] !== svc) continue;
        if (first) {
          yield (firstResource ? '' : ',') +
            `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"${SERVICES[svc]}"}},{"key":"host.name","value":{"stringValue":"host-${svc}"}},{"key":"telemetry.sdk.language","value":{"stringValue":"go"}}]},` +
            `"scopeSpans":[{"scope":{"name":"synthetic","version":"1.0.0"},"spans":[`;
          firstResource = false;
        }
        const err = r() < 0.01;
        const events =
          r() < 0.1
            ? `,"events":[{"timeUnixNano":"${toNs(start[i]! + 1)}","name":"retry","attributes":[{"key":"attempt","value":{"intValue":"1"}}]}]`
            : '';
        yield (first ? '' : ',') +
          `{"traceId":"${traceId}","spanId":"${ids[i]}"` +
          (parent[i]! >= 0 ? `,"parentSpanId":"${ids[parent[i]!]}"` : '') +
          `,"name":"${OPS[op[i]!]}","kind":${1 + (i % 3)},"startTimeUnixNano":"${toNs(start[i]!)}","endTimeUnixNano":"${toNs(end[i]!)}"` +
          `,"attributes":[{"key":"http.method","value":{"stringValue":"GET"}},{"key":"http.status_code","value":{"intValue":"${err ? 500 : 200}"}},{"key":"net.peer.port","value":{"intValue":"${8000 + svc}"}}]` +
          events +
          `,"status":${err ? '{"code":2,"message":"internal error"}' : '{}'}}`;
        first = false;
      }
      if (!first) yield ']}]}';
    }
  }
  yield ']}';
}

export function generateOtlpText(opts: GenOptions): string {
  let s = '';
  for (const c of generateOtlpChunks(opts)) s += c;
  return s;
}
