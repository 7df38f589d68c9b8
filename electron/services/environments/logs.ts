import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { LogEvent } from '../../../shared/api/events';
import { demuxBuffer } from './docker-streams';
import { serviceLogContainers } from './service-target';
import { sessionsRoot } from './session-info';
import { SessionStore } from './state-store';

export interface StreamLogsOptions {
  docker: Docker;
  stateDir: string;
  session: string;
  /** One service, or all of the session's. */
  service?: string;
  follow?: boolean;
  /** Lines of history per service before following (default all). */
  tail?: number;
  onLine: (e: LogEvent) => void;
  signal?: AbortSignal;
}

/** "2026-11-29T14:00:00.123456789Z rest" -> [ms, rest]; docker prefixes lines when timestamps=true. */
export function splitTimestamp(line: string): [number, string] {
  const sp = line.indexOf(' ');
  const ts = sp > 0 ? Date.parse(line.slice(0, sp)) : NaN;
  return Number.isNaN(ts) ? [Date.now(), line] : [ts, line.slice(sp + 1)];
}

/** Turns chunks into whole lines (a chunk may end mid-line). */
function lineSplitter(emit: (line: string) => void) {
  let rest = '';
  return {
    push(text: string) {
      rest += text;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        emit(rest.slice(0, nl).replace(/\r$/, ''));
        rest = rest.slice(nl + 1);
      }
    },
    flush() {
      if (rest) emit(rest);
      rest = '';
    },
  };
}

/**
 * The session's container logs, multiplexed into one stream of {service, stream, line, ts}.
 * Without follow, history is merged across services in time order; with follow, lines arrive
 * as the containers write them until every container stops or `signal` aborts.
 */
export async function streamLogs(opts: StreamLogsOptions): Promise<void> {
  const record = new SessionStore(sessionsRoot(opts.stateDir)).read(opts.session);
  if (!record) throw new WorkbenchError('not_found', `No session named "${opts.session}" (see repro status)`);
  const services = record.services.filter((s) => !opts.service || s.name === opts.service);
  if (opts.service && services.length === 0) {
    throw new WorkbenchError('not_found', `Session "${opts.session}" has no service "${opts.service}" (services: ${record.services.map((s) => s.name).join(', ') || 'none'})`);
  }
  // the containers each service's lines come from: its container, or every task's on a swarm
  const sources = (await Promise.all(services.map(async (s) => (await serviceLogContainers(opts.docker, record, s)).map((containerId) => ({ name: s.name, containerId }))))).flat();
  const tail: number | undefined = opts.tail;
  if (!opts.follow) {
    const events: LogEvent[] = [];
    for (const s of sources) {
      const raw = (await opts.docker.getContainer(s.containerId).logs({ stdout: true, stderr: true, timestamps: true, follow: false, ...(tail !== undefined ? { tail } : {}) })) as unknown as Buffer;
      const { stdout, stderr } = demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      for (const [stream, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
        for (const l of text.split('\n')) {
          if (!l) continue;
          const [ts, line] = splitTimestamp(l);
          events.push({ session: opts.session, service: s.name, stream, line, ts });
        }
      }
    }
    events.sort((a, b) => a.ts - b.ts);
    for (const e of events) opts.onLine(e);
    return;
  }
  await Promise.all(
    sources.map(async (s) => {
      const stream = (await opts.docker.getContainer(s.containerId).logs({ stdout: true, stderr: true, timestamps: true, follow: true, ...(tail !== undefined ? { tail } : {}) })) as unknown as NodeJS.ReadableStream & { destroy(): void };
      const make = (kind: 'stdout' | 'stderr') => {
        const splitter = lineSplitter((l) => {
          const [ts, line] = splitTimestamp(l);
          opts.onLine({ session: opts.session, service: s.name, stream: kind, line, ts });
        });
        return { splitter, sink: { write: (chunk: Buffer) => (splitter.push(chunk.toString('utf8')), true) } as unknown as NodeJS.WritableStream };
      };
      const out = make('stdout');
      const err = make('stderr');
      opts.docker.modem.demuxStream(stream, out.sink, err.sink);
      await new Promise<void>((resolve) => {
        const done = () => {
          out.splitter.flush();
          err.splitter.flush();
          resolve();
        };
        stream.on('end', done);
        stream.on('close', done);
        stream.on('error', done);
        const abort = () => {
          stream.destroy();
          done();
        };
        // Stopped while this service's stream was being opened (Ctrl-C, or `| head` closing
        // stdout on another service's first lines): an abort listener added now would never run.
        if (opts.signal?.aborted) abort();
        else opts.signal?.addEventListener('abort', abort, { once: true });
      });
    }),
  );
}
