// traffic/checkout.har: requests sent to the REAL sample services (flag on), with the
// responses and timings they really gave. The recording's clock is shifted to the incident
// window (startedDateTime from the traffic plan, servedAt moved by the same offset), so the
// HAR, traces and metrics line up; statuses, bodies and timings are what was measured.
import { TRAFFIC_PLAN, TRAFFIC_START_MS } from './sample-story';

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; cookies: []; headers: Array<{ name: string; value: string }>; queryString: Array<{ name: string; value: string }>; headersSize: number; bodySize: number };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: [];
    headers: Array<{ name: string; value: string }>;
    content: { size: number; mimeType: string; text: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; ssl: number; send: number; wait: number; receive: number };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Sends the traffic plan to `ingressUrl` (checkout's published port) and returns the HAR. */
export async function recordCheckoutTraffic(ingressUrl: string, recordedAt = new Date()): Promise<object> {
  const entries: HarEntry[] = [];
  for (const { cart, atMs } of TRAFFIC_PLAN) {
    const path = `/cgi-bin/checkout?cart=${encodeURIComponent(cart)}`;
    const startedAt = Date.now();
    const t0 = performance.now();
    const res = await fetch(new URL(path, ingressUrl), { headers: { accept: 'application/json' } });
    const tHeaders = performance.now();
    const body = await res.text();
    const tEnd = performance.now();
    const incidentTime = TRAFFIC_START_MS + atMs;
    const text = body.replace(/"servedAt":"([^"]+)"/, (_m, iso: string) => {
      const shifted = Date.parse(iso) - startedAt + incidentTime;
      return `"servedAt":"${new Date(Math.floor(shifted / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z')}"`;
    });
    const headers = [...res.headers.entries()].map(([name, value]) => ({ name, value }));
    entries.push({
      startedDateTime: new Date(incidentTime).toISOString(),
      time: round(tEnd - t0),
      request: {
        method: 'GET',
        url: `http://checkout:8080${path}`,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [
          { name: 'Host', value: 'checkout:8080' },
          { name: 'Accept', value: 'application/json' },
        ],
        queryString: [{ name: 'cart', value: cart }],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: res.status,
        statusText: res.statusText,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers,
        content: { size: Buffer.byteLength(text), mimeType: res.headers.get('content-type') ?? 'application/octet-stream', text },
        redirectURL: '',
        headersSize: -1,
        bodySize: Buffer.byteLength(text),
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: round(tHeaders - t0), receive: round(tEnd - tHeaders) },
    });
  }
  return {
    log: {
      version: '1.2',
      creator: {
        name: 'repro-workbench examples/build/build-sample.ts --record',
        version: '1',
        comment: `recorded against the sample services with NEW_PRICING=true on ${recordedAt.toISOString().slice(0, 10)}; clock shifted to the incident window`,
      },
      entries,
    },
  };
}
