/**
 * Deterministic generator of large JSONL log files, for benchmarks and scale tests: the mix a
 * microservice fleet writes (request lines, cache and database chatter, retries, a few errors),
 * about 150 bytes a line, with RFC 3339 times, levels, services and W3C trace/span ids, from a
 * few dozen format strings with varying values. Yields text chunks, never the whole file.
 */
import { mulberry32 } from '../../shared/random';

const SERVICES = ['gateway', 'checkout', 'cart', 'pricing', 'inventory', 'payments', 'users', 'search', 'shipping', 'notify'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
const PATHS = ['/api/cart', '/api/checkout', '/api/items', '/api/users/me', '/healthz', '/api/search', '/api/orders'];

type Pick = (n: number) => number;
const FORMATS: Array<{ level: string; weight: number; msg: (r: Pick, hex: (d: number) => string) => string }> = [
  { level: 'info', weight: 30, msg: (r) => `GET ${PATHS[r(PATHS.length)]} ${[200, 200, 200, 204, 304][r(5)]} ${r(900) + 3}ms` },
  { level: 'info', weight: 12, msg: (r) => `POST /api/orders/${r(1e6)} 201 ${r(400) + 20}ms` },
  { level: 'debug', weight: 15, msg: (_r, hex) => `cache hit for key cart:${hex(12)}` },
  { level: 'debug', weight: 8, msg: (r) => `cache miss for key price:SKU-${r(9000) + 1000}, loading from db` },
  { level: 'info', weight: 6, msg: (r) => `user ${USERS[r(USERS.length)]} logged in from 10.${r(255)}.${r(255)}.${r(255)}` },
  { level: 'info', weight: 5, msg: (r) => `priced cart with ${r(20) + 1} lines in ${r(1500) + 5} ms` },
  { level: 'debug', weight: 5, msg: (r) => `SELECT price FROM prices WHERE sku = $1 took ${(r(5000) / 100).toFixed(2)}ms rows=${r(3)}` },
  { level: 'warn', weight: 3, msg: (r) => `retrying call to payments (attempt ${r(4) + 1} of 5) after ${r(900) + 100}ms` },
  { level: 'warn', weight: 2, msg: (r) => `slow request: GET ${PATHS[r(PATHS.length)]} took ${r(5000) + 1000}ms (threshold 1000ms)` },
  { level: 'info', weight: 3, msg: (_r, hex) => `published event order.created id=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` },
  { level: 'error', weight: 1, msg: (r) => `no price for SKU-${r(9000) + 1000} in cart ${r(1e5)}` },
  { level: 'error', weight: 1, msg: (r) => `upstream pricing answered 500 for cart ${r(1e5)}: "no price for SKU-${r(9000) + 1000}"` },
  { level: 'info', weight: 2, msg: (r) => `connection pool stats: active=${r(50)} idle=${r(50)} waiting=${r(5)}` },
  { level: 'debug', weight: 3, msg: (r) => `span exported batch size=${r(512)} queue=${r(2048)}` },
  { level: 'info', weight: 2, msg: (r) => `shipment ${r(1e7)} handed to carrier ${['dhl', 'ups', 'fedex'][r(3)]}` },
  { level: 'fatal', weight: 0.01, msg: () => 'out of memory: cannot allocate buffer, exiting' },
];
const TOTAL_WEIGHT = FORMATS.reduce((a, f) => a + f.weight, 0);

export interface GenLogOptions {
  lines: number;
  seed?: number;
  /** First line's time (ms). */
  startMs?: number;
  /** Every this many lines, one line that is not JSON (to exercise bad-line handling); 0 for none. */
  badEvery?: number;
}

/** Yields JSONL text in chunks of about 1 MiB. */
export function* generateLogChunks(opts: GenLogOptions): Generator<string> {
  const rand = mulberry32(opts.seed ?? 42);
  const r: Pick = (n) => Math.floor(rand() * n);
  const hex = (digits: number) => {
    let s = '';
    while (s.length < digits) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, digits);
  };
  let t = opts.startMs ?? Date.parse('2026-11-20T14:00:00Z');
  let buf = '';
  let traceId = hex(32);
  for (let i = 0; i < opts.lines; i++) {
    if (opts.badEvery && i % opts.badEvery === opts.badEvery - 1) {
      buf += `${new Date(t).toISOString()} panic: runtime error: index out of range [${r(9)}]\n`;
    } else {
      let w = rand() * TOTAL_WEIGHT;
      let f = FORMATS[0]!;
      for (const x of FORMATS) {
        w -= x.weight;
        if (w <= 0) {
          f = x;
          break;
        }
      }
      if (r(4) === 0) traceId = hex(32);
      buf += JSON.stringify({ ts: new Date(t).toISOString(), level: f.level, service: SERVICES[r(SERVICES.length)], msg: f.msg(r, hex), trace_id: traceId, span_id: hex(16) }) + '\n';
    }
    t += r(3);
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
