/**
 * Services start as soon as what they depend on has started (not one after another), a bounded
 * number at a time; bundle files already verified are not hashed again unless they changed.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { DigestCache } from '../../../electron/services/bundles/digest-cache';
import { concurrencyLimit, startByDependencies, startOrder } from '../../../electron/services/environments/start-order';

const svc = (name: string, dependsOn?: string[]): ServiceSpec => ({ name, image: { ref: 'x', id: `sha256:${'0'.repeat(64)}` }, ...(dependsOn ? { dependsOn } : {}) });

/** A start that resolves when the test says so, noting the order of events. */
function harness() {
  const events: string[] = [];
  const release = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const start = (s: ServiceSpec) => {
    events.push(`start ${s.name}`);
    most = Math.max(most, ++running);
    return new Promise<void>((resolve) =>
      release.set(s.name, () => {
        running--;
        events.push(`ready ${s.name}`);
        resolve();
      }),
    );
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { events, release, start, tick, most: () => most };
}

describe('startByDependencies', () => {
  it('starts every independent service at once and a dependent one only after its dependencies', async () => {
    const h = harness();
    const order = startOrder([svc('db'), svc('cache'), svc('api', ['db', 'cache']), svc('web', ['api']), svc('worker')]);
    const all = startByDependencies(order, 8, h.start);
    await h.tick();
    expect(h.events.sort()).toEqual(['start cache', 'start db', 'start worker']);
    h.release.get('db')!();
    await h.tick();
    expect(h.events).not.toContain('start api');
    h.release.get('cache')!();
    await h.tick();
    expect(h.events).toContain('start api');
    expect(h.events).not.toContain('start web');
    h.release.get('api')!();
    await h.tick();
    expect(h.events).toContain('start web');
    h.release.get('web')!();
    h.release.get('worker')!();
    await Promise.all(all);
  });

  it('keeps at most `limit` starts in flight', async () => {
    const h = harness();
    const order = Array.from({ length: 30 }, (_, i) => svc(`s${i}`));
    const all = startByDependencies(order, 8, h.start);
    for (let i = 0; i < 30; i++) {
      await h.tick();
      const next = [...h.release.keys()].find((k) => !h.events.includes(`ready ${k}`));
      h.release.get(next!)!();
    }
    await Promise.all(all);
    expect(h.most()).toBe(8);
  });

  it('a service whose dependency failed does not start', async () => {
    const started: string[] = [];
    const all = startByDependencies(startOrder([svc('db'), svc('api', ['db'])]), 8, async (s) => {
      started.push(s.name);
      if (s.name === 'db') throw new Error('db broke');
    });
    const settled = await Promise.allSettled(all);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(started).toEqual(['db']);
  });

  it('concurrencyLimit runs queued work in order as slots free up', async () => {
    const run = concurrencyLimit(2);
    const log: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => run(async () => log.push(n))));
    expect(log).toEqual([1, 2, 3, 4]);
  });
});

describe('DigestCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repro-digest-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a stored digest back only while the file is unchanged, across processes (the file)', async () => {
    const file = join(dir, 'data.bin');
    writeFileSync(file, 'hello');
    const store = join(dir, 'state', 'cache.json');
    const first = new DigestCache(store);
    const miss = await first.get(file);
    expect('before' in miss).toBe(true);
    await first.set(file, (miss as { before: never }).before, { sha256: 'abc', secrets: [] });
    await first.save();

    const second = new DigestCache(store);
    expect(await second.get(file)).toEqual({ hit: { sha256: 'abc', secrets: [] } });
    expect(second.reused).toBe(1);

    // same size, mtime put back: the change time still tells
    writeFileSync(file, 'jello');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const third = new DigestCache(store);
    expect('before' in (await third.get(file))).toBe(true);
    expect(third.reused).toBe(0);
  });

  it('does not remember a digest when the file changed while it was hashed', async () => {
    const file = join(dir, 'moving.bin');
    writeFileSync(file, 'one');
    const cache = new DigestCache(join(dir, 'state2', 'cache.json'));
    const miss = (await cache.get(file)) as { before: never };
    writeFileSync(file, 'two!');
    await cache.set(file, miss.before, { sha256: 'of one', secrets: [] });
    expect('before' in (await cache.get(file))).toBe(true);
  });
});
