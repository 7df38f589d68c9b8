// logs/checkout.jsonl and logs/pricing.jsonl: what the two services logged from 14:00 to 14:30,
// in the bundle format ({ts, level, service, msg} plus trace/span ids and attributes). The eight
// recorded requests log with the trace and span ids of their traces (sample-traces.ts); the rest
// of the canary's traffic is background: small to big carts, and from 14:02 the legacy carts
// whose discontinued SKU-2077 the tiered engine cannot price (most of them 14:05-14:08, the
// error peak). The messages are the ones the sample's CGI scripts write, so a reproduction logs
// the same templates. Seeded, so every build writes the same bytes.
import type { HarEntry } from './sample-traffic';
import { PRICING_LINE_LOOKUP_MS, readCatalogue, seededRandom, type CartFacts } from './sample-story';
import { traceIdsOf } from './sample-traces';

interface Line {
  ts: number;
  level: string;
  service: 'checkout' | 'pricing';
  msg: string;
  trace_id?: string;
  span_id?: string;
  [attr: string]: unknown;
}

const WINDOW_START = Date.parse('2026-11-20T14:00:00Z');
const WINDOW_END = Date.parse('2026-11-20T14:30:00Z');
const FIRST_LEGACY = Date.parse('2026-11-20T14:02:07Z');
const PEAK = [Date.parse('2026-11-20T14:05:00Z'), Date.parse('2026-11-20T14:08:00Z')] as const;

function requestLines(out: Line[], t0: number, cart: CartFacts, status: number, rand: () => number, ids?: ReturnType<typeof traceIdsOf>): void {
  const trace = (span: string) => (ids ? { trace_id: ids.traceId, span_id: ids.spanId(span) } : {});
  const base = { cart: cart.cart, track: 'canary' };
  out.push({ ts: t0, level: 'info', service: 'checkout', msg: `checkout started for cart ${cart.cart}`, ...trace('checkout GET /cgi-bin/checkout'), ...base });
  let t = t0 + 3 + rand() * 2;
  out.push({ ts: t, level: 'info', service: 'pricing', msg: `pricing cart ${cart.cart} with the tiered engine (${cart.lines} lines)`, ...trace('pricing GET /cgi-bin/price'), ...base, engine: 'tiered', version: '2.14.0' });
  for (let i = 1; i <= cart.lines; i++) {
    const took = PRICING_LINE_LOOKUP_MS + 1 + Math.floor(rand() * 4);
    t += took;
    out.push({ ts: t, level: 'debug', service: 'pricing', msg: `tier lookup for line ${i} of cart ${cart.cart} took ${took} ms`, ...trace(`tier lookup line ${i}`), ...base, 'cart.line': i });
  }
  t += 2 + rand() * 2;
  if (cart.unpricedSku) {
    out.push({ ts: t, level: 'error', service: 'pricing', msg: `no price for ${cart.unpricedSku} in cart ${cart.cart} (tiered engine)`, ...trace('pricing GET /cgi-bin/price'), ...base, sku: cart.unpricedSku, 'http.response.status_code': 500 });
    out.push({ ts: t + 1 + rand(), level: 'error', service: 'checkout', msg: `pricing failed for cart ${cart.cart}, answering 502`, ...trace('checkout GET pricing'), ...base, 'http.response.status_code': status });
    return;
  }
  out.push({ ts: t, level: 'info', service: 'pricing', msg: `priced cart ${cart.cart}: ${cart.lines} lines, ${cart.items} items, total ${cart.total} EUR (tiered engine)`, ...trace('pricing GET /cgi-bin/price'), ...base });
  t += 40 + rand() * 30;
  if (status === 402) {
    out.push({ ts: t, level: 'warn', service: 'checkout', msg: `payment declined for cart ${cart.cart}`, ...trace('POST payments'), ...base, 'http.response.status_code': 402 });
  } else {
    out.push({ ts: t, level: 'info', service: 'checkout', msg: `payment approved for cart ${cart.cart}, total ${cart.total} EUR`, ...trace('POST payments'), ...base, 'http.response.status_code': 200 });
  }
}

/** Both files' lines, each file in time order. */
export function incidentLogs(traffic: { log: { entries: HarEntry[] } }): { checkout: string; pricing: string } {
  const { carts } = readCatalogue();
  const rand = seededRandom(2042);
  const lines: Line[] = [];
  // The recorded requests, with their traces' ids.
  traffic.log.entries.forEach((e, i) => {
    const cart = carts.get(new URL(e.request.url).searchParams.get('cart') ?? '');
    if (cart) requestLines(lines, Date.parse(e.startedDateTime), cart, e.response.status, rand, traceIdsOf(`canary/${i}`));
  });
  // Background canary traffic: a request every 1-5 s; legacy carts from 14:02, most of them during the peak.
  const names = ['small', 'medium', 'big', 'gift', 'small', 'medium'];
  for (let t = WINDOW_START + 800; t < WINDOW_END; t += 1000 + rand() * 4000) {
    const inPeak = t >= PEAK[0] && t < PEAK[1];
    const legacy = t >= FIRST_LEGACY && rand() < (inPeak ? 0.45 : 0.08);
    const cart = carts.get(legacy ? 'legacy' : names[Math.floor(rand() * names.length)]!)!;
    requestLines(lines, t, cart, cart.unpricedSku ? 502 : cart.cart === 'gift' ? 402 : 200, rand);
  }
  const file = (service: Line['service']) =>
    lines
      .filter((l) => l.service === service)
      .sort((a, b) => a.ts - b.ts)
      .map((l) => JSON.stringify({ ...l, ts: new Date(Math.round(l.ts)).toISOString() }))
      .join('\n') + '\n';
  return { checkout: file('checkout'), pricing: file('pricing') };
}
