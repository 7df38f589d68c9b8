/**
 * Which tar member holds a byte offset: when the scan finds a secret in an image or snapshot
 * tar, the message names the file inside it (following into a layer tar of a `docker save`
 * archive), not just a byte offset. Reads only headers, by seeking.
 */
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 512;

function field(buf: Buffer, start: number, len: number): string {
  const s = buf.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number): number {
  // base-256 (GNU) for sizes of 8 GiB and more
  if (buf[start]! & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  return parseInt(field(buf, start, len).trim() || '0', 8);
}

function paxPath(body: Buffer): string | undefined {
  for (const line of body.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

async function locate(fh: FileHandle, base: number, end: number, offset: number, depth: number): Promise<string[] | undefined> {
  const header = Buffer.alloc(BLOCK);
  let pos = base;
  let longName: string | undefined;
  while (pos + BLOCK <= end) {
    const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
    if (bytesRead < BLOCK || header.every((b) => b === 0)) return undefined;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const bodyStart = pos + BLOCK;
    const next = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L') {
      const body = Buffer.alloc(Math.min(size, 64 * 1024));
      await fh.read(body, 0, body.length, bodyStart);
      longName = type === 'L' ? field(body, 0, body.length) : paxPath(body);
      pos = next;
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (offset < next && offset >= pos) {
      if (offset >= bodyStart && depth < 2 && /\.tar$/.test(name)) {
        const inner = await locate(fh, bodyStart, bodyStart + size, offset, depth + 1);
        if (inner) return [name, ...inner];
      }
      return [name];
    }
    pos = next;
  }
  return undefined;
}

/** `["<layer>/layer.tar", "etc/app.env"]` for an offset inside a nested member; undefined if not a tar. */
export async function tarMemberAt(file: string, offset: number): Promise<string[] | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    return await locate(fh, 0, size, offset, 0);
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}
