/**
 * repro prune (issue 21) against the real engine: ended sessions and their records are
 * forgotten, live ones stay; an image this home loaded goes once nothing uses it, one a container
 * uses stays and says why; --dry-run lists exactly that and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImageArchive } from '../../../examples/build/image-archive';
import type { CliIo } from '../../../electron/cli/command';
import { main } from '../../../electron/cli/main';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { currentProcessIdentity } from '../../../electron/services/environments/process-identity';
import { SessionStore, type SessionRecord } from '../../../electron/services/environments/state-store';
import { noteLoadedImage, readLoadedImages } from '../../../electron/services/prune/image-ledger';
import { closeRecordDbs, openRecordDb } from '../../../electron/services/record/db';
import { tempHome, uniqueSession } from './helpers';

const docker = createDockerClient();
const home = tempHome();
const created: { images: string[]; containers: string[] } = { images: [], containers: [] };

afterAll(async () => {
  for (const c of created.containers) await docker.getContainer(c).remove({ force: true }).catch(() => {});
  for (const i of created.images) await docker.getImage(i).remove({ force: true }).catch(() => {});
  closeRecordDbs();
  home.cleanup();
});

async function loadUniqueImage(name: string): Promise<string> {
  const archive = buildImageArchive({ repoTag: `repro-test/${name}:prune`, layers: [{ files: [{ path: 'id', mode: 0o644, content: randomBytes(16).toString('hex') }] }], config: { Cmd: ['/id'] } });
  const stream = await docker.loadImage(Buffer.from(archive.bytes) as unknown as NodeJS.ReadableStream, { quiet: true });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
  created.images.push(archive.id);
  return archive.id;
}

const record = (name: string, over: Partial<SessionRecord>): SessionRecord => ({
  version: 1, name, bundleId: 'INC-PRUNE', bundleRoot: '/b', bundleSource: '/b', manifestSha256: 'x',
  createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', phase: 'down', volumes: [], services: [], secretNames: [], injectedEnv: {}, ...over,
});

async function prune(...args: string[]): Promise<{ code: number; doc: Record<string, Array<Record<string, string>>> }> {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: () => undefined, env: { ...process.env, REPRO_HOME: home.home }, cwd: home.home, isTTY: false };
  const code = await main(['prune', ...args, '--json'], io);
  return { code, doc: JSON.parse(out) as Record<string, Array<Record<string, string>>> };
}

describe('repro prune', () => {
  it('--dry-run lists, then prune forgets ended sessions and records and removes unused loaded images only', async () => {
    const ended = uniqueSession('prune-ended');
    const live = uniqueSession('prune-live');
    const store = new SessionStore(join(home.stateDir, 'sessions'));
    store.write(record(ended, { phase: 'down' }));
    store.write(record(live, { phase: 'running', agent: currentProcessIdentity() }));
    const db = openRecordDb(home.stateDir);
    db.addNote(ended, 'ended session');
    db.addNote(live, 'live session');

    const unused = await loadUniqueImage(`unused-${randomBytes(3).toString('hex')}`);
    const used = await loadUniqueImage(`used-${randomBytes(3).toString('hex')}`);
    noteLoadedImage(home.stateDir, unused, 'repro-test/unused:prune');
    noteLoadedImage(home.stateDir, used, 'repro-test/used:prune');
    const user = await docker.createContainer({ Image: used, name: uniqueSession('prune-user') });
    created.containers.push(user.id);

    const dry = await prune('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.doc.sessions!.map((s) => s.name)).toEqual([ended]);
    expect(dry.doc.records!.map((r) => r.session)).toEqual([ended]);
    expect(dry.doc.images!.map((i) => i.id)).toEqual([unused]);
    expect(dry.doc.kept).toEqual(expect.arrayContaining([{ kind: 'session', name: live, reason: 'it is running' }, expect.objectContaining({ kind: 'image', name: used, reason: expect.stringContaining('used by') })]));
    // nothing changed
    expect(existsSync(store.dir(ended))).toBe(true);
    expect(db.getSession(ended)).toBeDefined();
    expect((await docker.getImage(unused).inspect()).Id).toBe(unused);

    const done = await prune();
    expect(done.code).toBe(0);
    expect(done.doc.images!.map((i) => i.id)).toEqual([unused]);
    expect(existsSync(store.dir(ended))).toBe(false);
    expect(existsSync(store.dir(live))).toBe(true);
    expect(openRecordDb(home.stateDir).getSession(ended)).toBeUndefined();
    expect(openRecordDb(home.stateDir).getSession(live)).toBeDefined();
    await expect(docker.getImage(unused).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await docker.getImage(used).inspect()).Id).toBe(used);
    expect(readLoadedImages(home.stateDir).map((i) => i.id)).toEqual([used]);

    // --older-than: nothing this young qualifies
    expect((await prune('--older-than', '7d')).doc.kept).toEqual([]);
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), env: { ...process.env, REPRO_HOME: home.home }, cwd: home.home, isTTY: false };
    expect(await main(['prune', '--older-than', 'soon'], io)).toBe(2);
    expect(err).toContain('--older-than "soon"');
  });
});
