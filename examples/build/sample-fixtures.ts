// fixtures/payments.har: what the external payments API answered during the incident.
// Written from a table rather than captured, as it stands for a third party's API; the amounts
// come from the catalogue so they match what checkout really sends.
import { PAYMENTS_HOST, readCatalogue } from './sample-story';

export interface PaymentFixture {
  method: 'POST';
  path: string;
  requestBody: string;
  status: number;
  statusText: string;
  responseBody: string;
}

const DECISIONS: Record<string, { id: string; status: 'approved' | 'declined'; reason?: string }> = {
  small: { id: 'auth_5KQ2M9', status: 'approved' },
  medium: { id: 'auth_8TZ4C1', status: 'approved' },
  big: { id: 'auth_3HW7P6', status: 'approved' },
  // Only baseline (legacy engine) traffic for this cart reached payments during the incident.
  legacy: { id: 'auth_9RB1X4', status: 'approved' },
  gift: { id: 'auth_2MJ8D5', status: 'declined', reason: 'card_expired' },
};

export function paymentFixtures(): PaymentFixture[] {
  const { currency, carts } = readCatalogue();
  return Object.entries(DECISIONS).map(([cart, decision]) => {
    const facts = carts.get(cart);
    if (!facts) throw new Error(`payments fixture for unknown cart "${cart}"`);
    return {
      method: 'POST',
      path: `/v1/carts/${cart}/authorizations`,
      requestBody: JSON.stringify({ amount: facts.total, currency }),
      status: 200,
      statusText: 'OK',
      responseBody: JSON.stringify({ id: decision.id, status: decision.status, ...(decision.reason ? { reason: decision.reason } : {}), amount: facts.total, currency }),
    };
  });
}

export function paymentsHar(fixtures: PaymentFixture[], startMs: number): object {
  return {
    log: {
      version: '1.2',
      creator: { name: 'payments-gateway-recorder', version: '1.4.2', comment: 'egress recording of the checkout service, 2026-11-20' },
      entries: fixtures.map((f, i) => ({
        startedDateTime: new Date(startMs + i * 1_000).toISOString(),
        time: 48 + i * 3,
        request: {
          method: f.method,
          url: `http://${PAYMENTS_HOST}${f.path}`,
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: [
            { name: 'Host', value: PAYMENTS_HOST },
            { name: 'Content-Type', value: 'application/json' },
            { name: 'Content-Length', value: String(Buffer.byteLength(f.requestBody)) },
          ],
          queryString: [],
          postData: { mimeType: 'application/json', text: f.requestBody },
          headersSize: -1,
          bodySize: Buffer.byteLength(f.requestBody),
        },
        response: {
          status: f.status,
          statusText: f.statusText,
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: [
            { name: 'Content-Type', value: 'application/json' },
            { name: 'Content-Length', value: String(Buffer.byteLength(f.responseBody)) },
          ],
          content: { size: Buffer.byteLength(f.responseBody), mimeType: 'application/json', text: f.responseBody },
          redirectURL: '',
          headersSize: -1,
          bodySize: Buffer.byteLength(f.responseBody),
        },
        cache: {},
        timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 46 + i * 3, receive: 2 },
      })),
    },
  };
}
