import { resolve } from 'node:path';

/**
 * Serialises async work per file path within this process, so two saves of the same runbook
 * (autosave racing an explicit save, two windows) cannot interleave their read-modify-write of
 * the history and the file. Different paths run in parallel.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withPathLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  try {
    await previous.catch(() => undefined);
    return await work();
  } finally {
    release();
    // Only the last waiter clears the entry, so the map does not grow with every path ever saved.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
