/**
 * `repro record-traffic`: a recording reverse proxy. Clients talk HTTP/1.1 to `listen`
 * (keep-alive, chunked, any body); each exchange is forwarded to `target` as it streams and
 * written down as a HAR 1.2 entry that our replay reads: the URL is the target's (so capture can
 * re-address it to the service that owns that host port), request and response bodies are kept
 * byte for byte (a gzip body stays gzip, base64 in the HAR, with its Content-Encoding header),
 * and credentials are redacted (shared/har/redact) before anything touches the disk.
 *
 * Never losing entries: each finished exchange is appended to `<out>.partial` (one JSON entry a
 * line) at once; stopping (signal, duration) stops accepting, lets the exchanges in flight finish
 * (bounded), then writes `<out>` in one rename and removes the journal. Killed outright, the
 * journal still holds every finished exchange.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkbenchError } from '../../../shared/api/errors';
import { redactHar, summarizeRedactions, type HarRedaction, type HarRedactionSummary } from '../../../shared/har/redact';
import { isTextualMime } from '../../../shared/replay/body';
import { HOP_BY_HOP } from '../../../shared/replay/request';

export interface RecordTrafficOptions {
  /** Where requests go: `http://host:port` (a path prefix is kept in front of each request path). */
  target: string;
  listen: { host: string; port: number };
  /** The HAR file to write. */
  out: string;
  /** Stop by itself after this long. */
  durationMs?: number;
  /** More header names to redact. */
  redactHeaders?: string[];
  /** How long exchanges in flight may take to finish once stopping (default 10 s). */
  drainMs?: number;
  signal?: AbortSignal;
  onListening?: (url: string) => void;
  onEntry?: (count: number, summary: { method: string; url: string; status: number }) => void;
  creator?: { name: string; version: string };
}

export interface RecordTrafficResult {
  file: string;
  entries: number;
  /** Exchanges the target did not answer (refused, reset): answered 502, not recorded. */
  failed: number;
  redacted: HarRedactionSummary[];
  stoppedBy: 'signal' | 'duration';
}

type HarHeader = { name: string; value: string };

function pairsOf(raw: string[]): HarHeader[] {
  const out: HarHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i]!, value: raw[i + 1]! });
  return out;
}

function header(headers: HarHeader[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** HAR `content`/`postData` for bytes: text when it is UTF-8 text that nothing compressed, else base64. */
function harBody(bytes: Buffer, headers: HarHeader[]): { mimeType: string; text: string; encoding?: 'base64' } {
  const mimeType = header(headers, 'content-type') ?? '';
  const encoded = header(headers, 'content-encoding');
  const plain = (!encoded || /^\s*identity\s*$/i.test(encoded)) && isTextualMime(mimeType || undefined);
  if (plain) {
    const text = bytes.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(bytes)) return { mimeType, text };
  }
  return { mimeType, text: bytes.toString('base64'), encoding: 'base64' };
}

function forwardHeaders(raw: string[], host: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') for (const t of raw[i + 1]!.split(',')) named.add(t.trim().toLowerCase());
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || lower === 'host') continue;
    const prev = out[name];
    out[name] = prev === undefined ? raw[i + 1]! : [...(Array.isArray(prev) ? prev : [prev]), raw[i + 1]!];
  }
  out.host = host;
  return out;
}

export async function recordTraffic(opts: RecordTrafficOptions): Promise<RecordTrafficResult> {
  let target: URL;
  try {
    target = new URL(opts.target);
    if (target.protocol !== 'http:') throw new Error('only http:// targets can be recorded');
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `--target ${opts.target}: ${(err as Error).message}`);
  }
  const exists = await stat(opts.out).then(
    () => true,
    () => false,
  );
  if (exists) throw new WorkbenchError('invalid_argument', `-o ${opts.out} already exists; name a new file`);
  const journalPath = `${opts.out}.partial`;
  // Written synchronously, one line per finished exchange: once written, a kill cannot lose it.
  let journal: number;
  try {
    journal = openSync(journalPath, 'wx');
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `-o ${opts.out}: cannot write ${journalPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }

  const prefix = target.pathname.replace(/\/+$/, '');
  const targetHost = target.host;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const redactions: HarRedaction[] = [];
  let entries = 0;
  let failed = 0;
  let inFlight = 0;
  let stopping = false;
  let idle: (() => void) | undefined;
  let seq = 0;

  const record = (entry: Record<string, unknown>, index: number) => {
    const r = redactHar({ log: { entries: [entry] } }, opts.redactHeaders ? { headers: opts.redactHeaders } : {});
    redactions.push(...r.redactions.map((x) => ({ ...x, entry: index })));
    const clean = (r.har as { log: { entries: unknown[] } }).log.entries[0];
    writeSync(journal, JSON.stringify({ seq: index, entry: clean }) + '\n');
    entries++;
  };

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    inFlight++;
    const index = seq++;
    const startedAt = Date.now();
    const started = performance.now();
    const reqHeaders = pairsOf(req.rawHeaders);
    const reqChunks: Buffer[] = [];
    const path = prefix + (req.url ?? '/');
    const upstream = http.request({
      agent,
      protocol: 'http:',
      hostname: target.hostname,
      port: target.port || 80,
      method: req.method,
      path,
      headers: forwardHeaders(req.rawHeaders, targetHost),
    });
    let firstByteAt: number | undefined;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      inFlight--;
      if (stopping && inFlight === 0) idle?.();
    };
    upstream.on('response', (up) => {
      firstByteAt = performance.now();
      const resHeaders = pairsOf(up.rawHeaders);
      const out: Record<string, string | string[]> = {};
      const named = new Set((header(resHeaders, 'connection') ?? '').split(',').map((t) => t.trim().toLowerCase()));
      for (const h of resHeaders) {
        const lower = h.name.toLowerCase();
        if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
        const prev = out[h.name];
        out[h.name] = prev === undefined ? h.value : [...(Array.isArray(prev) ? prev : [prev]), h.value];
      }
      if (stopping) out.connection = 'close';
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      const resChunks: Buffer[] = [];
      up.on('data', (c: Buffer) => {
        resChunks.push(c);
        res.write(c);
      });
      up.on('end', () => {
        res.end();
        const ended = performance.now();
        const reqBody = Buffer.concat(reqChunks);
        const resBody = Buffer.concat(resChunks);
        const url = `${target.protocol}//${targetHost}${path}`;
        const query = new URL(url).searchParams;
        record(
          {
            startedDateTime: new Date(startedAt).toISOString(),
            time: Math.round((ended - started) * 1000) / 1000,
            request: {
              method: req.method,
              url,
              httpVersion: `HTTP/${req.httpVersion}`,
              headers: reqHeaders.map((h) => (h.name.toLowerCase() === 'host' ? { name: h.name, value: targetHost } : h)),
              queryString: [...query].map(([name, value]) => ({ name, value })),
              cookies: [],
              headersSize: -1,
              bodySize: reqBody.length,
              ...(reqBody.length > 0 ? { postData: harBody(reqBody, reqHeaders) } : {}),
            },
            response: {
              status: up.statusCode,
              statusText: up.statusMessage ?? '',
              httpVersion: `HTTP/${up.httpVersion}`,
              headers: resHeaders,
              cookies: [],
              content: { size: resBody.length, ...harBody(resBody, resHeaders) },
              redirectURL: header(resHeaders, 'location') ?? '',
              headersSize: -1,
              bodySize: resBody.length,
            },
            cache: {},
            timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: Math.round(((firstByteAt ?? ended) - started) * 1000) / 1000, receive: Math.round((ended - (firstByteAt ?? ended)) * 1000) / 1000, ssl: -1 },
          },
          index,
        );
        opts.onEntry?.(entries, { method: req.method ?? '?', url, status: up.statusCode ?? 0 });
        done();
      });
      up.on('error', () => {
        failed++;
        res.destroy();
        done();
      });
    });
    upstream.on('error', (err) => {
      failed++;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain', ...(stopping ? { connection: 'close' } : {}) });
        res.end(`repro record-traffic: the target ${opts.target} did not answer (${(err as NodeJS.ErrnoException).code ?? err.message})\n`);
      } else res.destroy();
      done();
    });
    req.on('data', (c: Buffer) => {
      reqChunks.push(c);
      upstream.write(c);
    });
    req.on('end', () => upstream.end());
    req.on('error', () => upstream.destroy());
  });

  const listening = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new WorkbenchError('invalid_argument', `--listen ${opts.listen.host}:${opts.listen.port}: cannot listen (${err.code ?? err.message})`)));
    server.listen(opts.listen.port, opts.listen.host, () => resolve(server.address() as AddressInfo));
  }).catch(async (err) => {
    closeSync(journal);
    await rm(journalPath, { force: true });
    throw err;
  });
  const host = listening.family === 'IPv6' ? `[${listening.address}]` : listening.address;
  opts.onListening?.(`http://${host}:${listening.port}`);

  // Run until the signal or the duration, whichever comes first.
  const stoppedBy = await new Promise<'signal' | 'duration'>((resolve) => {
    const timer = opts.durationMs ? setTimeout(() => resolve('duration'), opts.durationMs) : undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve('signal');
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });

  // Stop accepting; let what is in flight finish (bounded); then write the HAR in one go.
  stopping = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      idle = resolve;
      setTimeout(resolve, opts.drainMs ?? 10_000).unref();
    });
  }
  server.closeAllConnections();
  await closed;
  agent.destroy();
  closeSync(journal);

  const lines = (await readFile(journalPath, 'utf8')).split('\n').filter(Boolean);
  const recorded = lines.map((l) => JSON.parse(l) as { seq: number; entry: { startedDateTime: string } }).sort((a, b) => a.entry.startedDateTime.localeCompare(b.entry.startedDateTime) || a.seq - b.seq);
  const har = {
    log: {
      version: '1.2',
      creator: opts.creator ?? { name: 'repro-workbench record-traffic', version: '0' },
      pages: [],
      entries: recorded.map((r) => r.entry),
    },
  };
  const tmp = `${opts.out}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(har, null, 2) + '\n');
  await rename(tmp, opts.out);
  await rm(journalPath, { force: true });
  return { file: opts.out, entries: recorded.length, failed, redacted: summarizeRedactions(redactions), stoppedBy };
}
