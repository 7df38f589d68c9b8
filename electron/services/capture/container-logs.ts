/**
 * `--logs`: a container's log as the bundle's `logs/<service>.jsonl`, one
 * `{ts, service, stream, msg}` a line, in time order, `ts` as the engine stamped it (RFC 3339).
 */
import type Docker from 'dockerode';
import { demuxBuffer } from '../environments/docker-streams';

export async function containerLogJsonl(docker: Docker, containerId: string, service: string, sinceMs?: number): Promise<{ bytes: Buffer; lines: number }> {
  const raw = (await docker.getContainer(containerId).logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: false,
    ...(sinceMs !== undefined ? { since: Math.floor((Date.now() - sinceMs) / 1000) } : {}),
  })) as unknown as Buffer;
  const { stdout, stderr } = demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  const rows: { ts: string; at: number; stream: 'stdout' | 'stderr'; msg: string; seq: number }[] = [];
  let seq = 0;
  for (const [stream, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
    for (const line of text.split('\n')) {
      if (!line) continue;
      const sp = line.indexOf(' ');
      const ts = sp > 0 ? line.slice(0, sp) : '';
      const at = Date.parse(ts);
      if (Number.isNaN(at)) rows.push({ ts: new Date().toISOString(), at: Date.now(), stream, msg: line.replace(/\r$/, ''), seq: seq++ });
      else rows.push({ ts, at, stream, msg: line.slice(sp + 1).replace(/\r$/, ''), seq: seq++ });
    }
  }
  // Nanosecond stamps compare as strings within one second; milliseconds decide across seconds.
  rows.sort((a, b) => a.at - b.at || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
  const text = rows.map((r) => JSON.stringify({ ts: r.ts, service, stream: r.stream, msg: r.msg })).join('\n');
  return { bytes: Buffer.from(text ? text + '\n' : '', 'utf8'), lines: rows.length };
}
