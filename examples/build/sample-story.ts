// The facts of INC-2041 that several generated files share (catalogue, traffic plan, clock),
// kept in one place so the traces, metrics, traffic and fixtures tell the same story.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../shared/random';

export const SAMPLE_SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');

export const INCIDENT = {
  id: 'INC-2041',
  title: 'Checkout p99 latency spike and 502s after pricing 2.14.0 canary',
  severity: 'SEV2',
  startedAt: '2026-11-20T14:02:00Z',
  detectedAt: '2026-11-20T14:06:30Z',
  resolvedAt: '2026-11-20T15:10:00Z',
  createdAt: '2026-11-20T15:30:00Z',
} as const;

/** When the first recorded request entered checkout; the others follow at their planned offsets. */
export const TRAFFIC_START_MS = Date.parse('2026-11-20T14:03:12Z');

/** The requests that entered checkout during the incident, in order, with their offsets. */
export const TRAFFIC_PLAN: ReadonlyArray<{ cart: string; atMs: number }> = [
  { cart: 'small', atMs: 0 },
  { cart: 'medium', atMs: 1_850 },
  { cart: 'big', atMs: 3_400 },
  { cart: 'legacy', atMs: 6_020 },
  { cart: 'gift', atMs: 7_700 },
  { cart: 'small', atMs: 9_310 },
  { cart: 'big', atMs: 11_050 },
  { cart: 'legacy', atMs: 13_900 },
];

export const PAYMENTS_HOST = 'payments.example.com';
export const PRICING_LINE_LOOKUP_MS = 100;

interface CatalogueFile {
  currency: string;
  skus: Array<{ sku: string; name: string; price: number | null }>;
  carts: Array<{ cart: string; lines: string }>;
}

export interface CartFacts {
  cart: string;
  lines: number;
  /** Items and total as the legacy engine prices them (unpriced lines skipped). */
  items: number;
  total: string;
  /** First SKU without a price: the tiered engine fails such a cart. */
  unpricedSku?: string;
}

export function readCatalogue(): { currency: string; carts: Map<string, CartFacts>; text: string } {
  const text = readFileSync(join(SAMPLE_SOURCE_DIR, 'data', 'prices.json'), 'utf8');
  const doc = JSON.parse(text) as CatalogueFile;
  const price = new Map(doc.skus.map((s) => [s.sku, s.price]));
  const carts = new Map<string, CartFacts>();
  for (const { cart, lines } of doc.carts) {
    let items = 0;
    let cents = 0;
    let unpricedSku: string | undefined;
    const parts = lines.split(',');
    for (const part of parts) {
      const [sku = '', qtyText = '0'] = part.split(':');
      const p = price.get(sku);
      if (p === null || p === undefined) {
        unpricedSku ??= sku;
        continue;
      }
      items += Number(qtyText);
      cents += Math.round(p * 100) * Number(qtyText);
    }
    carts.set(cart, { cart, lines: parts.length, items, total: (cents / 100).toFixed(2), ...(unpricedSku ? { unpricedSku } : {}) });
  }
  return { currency: doc.currency, carts, text };
}

/** mulberry32: a small seeded PRNG, so "noise" in generated data is the same on every build. */
export const seededRandom = mulberry32;
