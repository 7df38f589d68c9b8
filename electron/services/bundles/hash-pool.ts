/**
 * SHA-256 of big files on worker threads. Node's hash.update runs on the calling thread, so
 * several image archives hashed "at once" on the main thread are really hashed one after the
 * other; on workers they use several cores, and the main thread (the web host's or Electron's
 * event loop) stays free while gigabytes are hashed.
 *
 * The worker is inline source (eval), so it works the same from tsx, vitest and the esbuild
 * bundles without a separate file to ship.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
      parentPort.postMessage({ id, progress: n });
    }
    parentPort.postMessage({ id, sha256: hash.digest('hex'), size });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

type Reply = { id: number; progress?: number; sha256?: string; size?: number; error?: string };

export interface HashPool {
  hash(path: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number }>;
  close(): Promise<void>;
}

export function createHashPool(size = Math.max(1, Math.min(4, availableParallelism() - 1))): HashPool {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  let nextId = 0;
  const spawn = () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref(); // an abandoned pool must not keep the process alive
    all.push(w);
    return w;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());
  const acquire = () => new Promise<Worker>((resolve) => {
    const w = idle.pop();
    if (w) resolve(w);
    else waiting.push(resolve);
  });
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    async hash(path, onBytes) {
      const w = await acquire();
      const id = nextId++;
      let crashed = false;
      try {
        return await new Promise<{ sha256: string; size: number }>((resolve, reject) => {
          const onMessage = (m: Reply) => {
            if (m.id !== id) return;
            if (m.progress !== undefined) {
              onBytes?.(m.progress);
              return;
            }
            w.off('message', onMessage);
            w.off('error', onError);
            if (m.error !== undefined) reject(new Error(m.error));
            else resolve({ sha256: m.sha256!, size: m.size! });
          };
          const onError = (err: Error) => {
            crashed = true;
            w.off('message', onMessage);
            reject(err);
          };
          w.on('message', onMessage);
          w.once('error', onError);
          w.postMessage({ id, path });
        });
      } finally {
        // A worker that died cannot take more work; put a fresh one in its place.
        release(crashed ? spawn() : w);
      }
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
