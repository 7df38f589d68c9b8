// traces/incident.otlp.json: OTLP/JSON traces of the incident as production saw them: one per
// recorded request (its start time, cart and status from the HAR), with production-like
// durations modelled from the catalogue (one ~100 ms lookup per cart line in the tiered engine,
// a 40-70 ms payments call), plus two baseline traces for comparison. The HAR's own timings come
// from wherever it was recorded, so they are not used here. Ids come from hashes and jitter
// from a seeded PRNG, so the file is the same on every build.
import { createHash } from 'node:crypto';
import type { HarEntry } from './sample-traffic';
import { PAYMENTS_HOST, PRICING_LINE_LOOKUP_MS, readCatalogue, seededRandom, type CartFacts } from './sample-story';

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };
interface KeyValue { key: string; value: AnyValue }
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events?: Array<{ timeUnixNano: string; name: string; attributes: KeyValue[] }>;
  status: { code?: number; message?: string };
}

const KIND = { internal: 1, server: 2, client: 3 } as const;
const MS = 1_000_000n;

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(v) } });
const hexId = (seed: string, len: 32 | 16) => createHash('sha256').update(seed).digest('hex').slice(0, len);
const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * MS) / 1000n;

interface Track { version: string; track: 'canary' | 'baseline'; tiered: boolean }
const CANARY: Track = { version: '2.14.0', track: 'canary', tiered: true };
const BASELINE: Track = { version: '2.13.4', track: 'baseline', tiered: false };

interface Request { seed: string; startMs: number; status: number; cart: CartFacts; track: Track }

/** The ids a request's trace uses: the logs of the same request carry them (sample-logs.ts). */
export function traceIdsOf(seed: string): { traceId: string; spanId(name: string): string } {
  return { traceId: hexId(`INC-2041/${seed}`, 32), spanId: (name) => hexId(`INC-2041/${seed}/${name}`, 16) };
}

function traceOf(req: Request, rand: () => number): { checkout: OtlpSpan[]; pricing: OtlpSpan[] } {
  const { traceId, spanId: id } = traceIdsOf(req.seed);
  const span = (name: string, kind: number, startMs: number, endMs: number, parent: string | undefined, attributes: KeyValue[], status: OtlpSpan['status'] = {}): OtlpSpan => ({
    traceId,
    spanId: id(name),
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind,
    startTimeUnixNano: nanos(startMs).toString(),
    endTimeUnixNano: nanos(endMs).toString(),
    attributes,
    status,
  });
  const { cart } = req;
  const failsPricing = req.track.tiered && cart.unpricedSku !== undefined;
  const t0 = req.startMs;

  // Pricing: the tiered engine does one lookup per line (the slow critical path); legacy one query.
  const pricingStart = t0 + 2 + rand() * 2;
  const pricingServer: OtlpSpan[] = [];
  let cursor = pricingStart + 1.5;
  const pricingServerId = id('pricing GET /cgi-bin/price');
  if (req.track.tiered) {
    for (let i = 0; i < cart.lines; i++) {
      const d = PRICING_LINE_LOOKUP_MS + 1 + rand() * 4;
      pricingServer.push(span(`tier lookup line ${i + 1}`, KIND.internal, cursor, cursor + d, pricingServerId, [int('cart.line', i + 1)]));
      cursor += d + 0.2 + rand() * 0.6;
    }
  } else {
    const d = 6 + rand() * 6;
    pricingServer.push(span('price cart (legacy)', KIND.internal, cursor, cursor + d, pricingServerId, [int('cart.lines', cart.lines)]));
    cursor += d;
  }
  const pricingEnd = cursor + 2 + rand() * 2;
  const pricingStatus = failsPricing ? 500 : 200;
  const pricingSpan = span('GET /cgi-bin/price', KIND.server, pricingStart + 0.5, pricingEnd - 0.5, id('checkout GET pricing'), [
    str('http.request.method', 'GET'), str('url.path', '/cgi-bin/price'), str('url.query', `cart=${cart.cart}`),
    int('http.response.status_code', pricingStatus), str('pricing.engine', req.track.tiered ? 'tiered' : 'legacy'), str('cart.id', cart.cart),
  ], failsPricing ? { code: 2, message: `no price for ${cart.unpricedSku}` } : {});
  pricingSpan.spanId = pricingServerId;
  if (failsPricing) {
    pricingSpan.events = [{
      timeUnixNano: nanos(cursor).toString(),
      name: 'exception',
      attributes: [str('exception.type', 'PriceNotFound'), str('exception.message', `no price for ${cart.unpricedSku}`)],
    }];
  }

  const checkoutServerId = id('checkout GET /cgi-bin/checkout');
  const checkout: OtlpSpan[] = [];
  checkout.push(span('GET pricing', KIND.client, pricingStart, pricingEnd, checkoutServerId, [
    str('http.request.method', 'GET'), str('server.address', 'pricing'), int('server.port', 9000), str('url.full', `http://pricing:9000/cgi-bin/price?cart=${cart.cart}`),
    int('http.response.status_code', pricingStatus),
  ], failsPricing ? { code: 2, message: 'pricing failed' } : {}));
  checkout[0]!.spanId = id('checkout GET pricing');
  let end = pricingEnd + 1 + rand() * 2;
  if (!failsPricing) {
    const payStart = pricingEnd + 1 + rand();
    const payEnd = payStart + 38 + rand() * 30;
    end = payEnd + 2 + rand() * 3;
    checkout.push(span('POST payments', KIND.client, payStart, payEnd, checkoutServerId, [
      str('http.request.method', 'POST'), str('server.address', PAYMENTS_HOST), int('server.port', 80), str('peer.service', 'payments'),
      str('url.full', `http://${PAYMENTS_HOST}/v1/carts/${cart.cart}/authorizations`), int('http.response.status_code', 200),
    ]));
  }
  const serverSpan = span('GET /cgi-bin/checkout', KIND.server, t0, end, undefined, [
    str('http.request.method', 'GET'), str('url.path', '/cgi-bin/checkout'), str('url.query', `cart=${cart.cart}`),
    int('http.response.status_code', req.status), str('cart.id', cart.cart),
  ], req.status >= 500 ? { code: 2, message: req.status === 502 ? 'pricing failed' : `HTTP ${req.status}` } : {});
  serverSpan.spanId = checkoutServerId;
  return { checkout: [serverSpan, ...checkout], pricing: [pricingSpan, ...pricingServer] };
}

function resource(service: string, track: Track): KeyValue[] {
  return [
    str('service.name', service), str('service.version', service === 'pricing' ? track.version : '2.14.0'),
    str('deployment.environment.name', 'prod-eu'), str('deployment.track', track.track),
    str('service.instance.id', `${service}-${track.track}-0`),
  ];
}

export function incidentTraces(traffic: { log: { entries: HarEntry[] } }): object {
  const { carts } = readCatalogue();
  const rand = seededRandom(2041);
  const requests: Request[] = traffic.log.entries.map((e, i) => {
    const cartId = new URL(e.request.url).searchParams.get('cart') ?? '';
    const cart = carts.get(cartId);
    if (!cart) throw new Error(`traffic entry ${i}: unknown cart "${cartId}"`);
    return { seed: `canary/${i}`, startMs: Date.parse(e.startedDateTime), status: e.response.status, cart, track: CANARY };
  });
  // Baseline pods (legacy engine) served the same carts quickly and without errors.
  const first = requests[0]?.startMs ?? 0;
  for (const [i, cartId] of ['big', 'legacy'].entries()) {
    const cart = carts.get(cartId)!;
    requests.push({ seed: `baseline/${i}`, startMs: first + 4_700 + i * 5_000, status: 200, cart, track: BASELINE });
  }

  const groups = new Map<string, { service: string; track: Track; spans: OtlpSpan[] }>();
  const add = (service: string, track: Track, spans: OtlpSpan[]) => {
    const key = `${service}/${track.track}`;
    if (!groups.has(key)) groups.set(key, { service, track, spans: [] });
    groups.get(key)!.spans.push(...spans);
  };
  for (const req of requests) {
    const t = traceOf(req, rand);
    add('checkout', req.track, t.checkout);
    add('pricing', req.track, t.pricing);
  }
  return {
    resourceSpans: [...groups.values()].map((g) => ({
      resource: { attributes: resource(g.service, g.track) },
      scopeSpans: [{ scope: { name: `shop.${g.service}.http`, version: '1.0.0' }, spans: g.spans }],
    })),
  };
}
