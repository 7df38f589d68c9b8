import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../electron/services/atomic-write';
import { withPathLock } from '../../../electron/services/runbooks/path-lock';
import { folderName, listVersions, openRunbookWorkspace, readVersion, resetRunbook, revisionOf, saveRunbook, workspaceFor, workspaceId } from '../../../electron/services/runbooks/workspace';
import { runbookToRun } from '../../../electron/services/runbooks';
import { existsSync } from 'node:fs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repro-ws-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runbook workspace', () => {
  it('starts from the bundle runbook and keeps it for comparison', async () => {
    const doc = await openRunbookWorkspace(dir, 'INC-1', '# original\n');
    expect(doc).toMatchObject({ text: '# original\n', bundleText: '# original\n', versions: [] });
    await saveRunbook(dir, 'INC-1', '# edited\n', { now: () => 1_000_000 });
    const again = await openRunbookWorkspace(dir, 'INC-1', '# original\n');
    expect(again.text).toBe('# edited\n');
    expect(again.bundleText).toBe('# original\n');
  });

  it('a new bundle version updates the comparison copy but keeps the edits', async () => {
    await openRunbookWorkspace(dir, 'INC-1', 'v1');
    await saveRunbook(dir, 'INC-1', 'mine');
    const doc = await openRunbookWorkspace(dir, 'INC-1', 'v2');
    expect(doc).toMatchObject({ text: 'mine', bundleText: 'v2' });
  });

  it('keeps earlier saves as versions, coalesces bursts and prunes to N', async () => {
    await openRunbookWorkspace(dir, 'INC-1', 'orig');
    let t = Date.now() + 60_000;
    const at = () => t;
    await saveRunbook(dir, 'INC-1', 'a', { now: at });
    t += 60_000;
    await saveRunbook(dir, 'INC-1', 'b', { now: at, coalesceMs: 0 });
    t += 60_000;
    await saveRunbook(dir, 'INC-1', 'c', { now: at, coalesceMs: 0 });
    let versions = await listVersions(dir, 'INC-1');
    // 'orig' equals the bundle copy, so it is not duplicated into the history.
    expect(await Promise.all(versions.map((v) => readVersion(dir, 'INC-1', v.id)))).toEqual(['b', 'a']);
    // A burst (previous save moments ago) replaces rather than adds.
    await saveRunbook(dir, 'INC-1', 'd', { now: () => Date.now(), coalesceMs: 60_000 });
    expect(await listVersions(dir, 'INC-1')).toHaveLength(2);
    for (const text of ['e', 'f', 'g', 'h']) {
      t += 60_000;
      await saveRunbook(dir, 'INC-1', text, { now: at, coalesceMs: 0, keepVersions: 3 });
    }
    versions = await listVersions(dir, 'INC-1');
    expect(await Promise.all(versions.map((v) => readVersion(dir, 'INC-1', v.id)))).toEqual(['g', 'f', 'e']);
  });

  it('refuses a save based on a stale revision, and no-ops an unchanged save', async () => {
    const doc = await openRunbookWorkspace(dir, 'INC-1', 'orig');
    await saveRunbook(dir, 'INC-1', 'other window', { baseRevision: doc.revision });
    await expect(saveRunbook(dir, 'INC-1', 'mine', { baseRevision: doc.revision })).rejects.toMatchObject({ code: 'conflict' });
    expect(await saveRunbook(dir, 'INC-1', 'other window', { baseRevision: revisionOf('other window') })).toMatchObject({ changed: false });
  });

  it('serialises concurrent saves of the same path', async () => {
    await openRunbookWorkspace(dir, 'INC-1', 'orig');
    const texts = Array.from({ length: 20 }, (_, i) => `v${i}`);
    await Promise.all(texts.map((t) => saveRunbook(dir, 'INC-1', t, { coalesceMs: 0 })));
    const doc = await openRunbookWorkspace(dir, 'INC-1', 'orig');
    expect(doc.text).toBe('v19');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const a = withPathLock(join(dir, 'x'), async () => {
      order.push('a-start');
      await held; // a holds the lock until the test lets go
      order.push('a-end');
    });
    const b = withPathLock(join(dir, 'x'), async () => {
      order.push('b');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a-start']); // b waits
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['a-start', 'a-end', 'b']);
  });

  it('rejects bad version ids and keeps hostile bundle ids inside the state folder', async () => {
    await expect(readVersion(dir, 'INC-1', '../../etc/passwd')).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(folderName('INC-1')).toBe('INC-1');
    for (const id of ['../../evil', '..', 'a/b', 'C:\\x']) {
      const ws = workspaceFor(dir, id);
      expect(ws.dir.startsWith(join(dir, 'runbooks') + '/')).toBe(true);
      expect(folderName(id)).not.toMatch(/[/\\]|^\./);
    }
    expect(folderName('a/b')).not.toBe(folderName('a_b'));
  });

  it('sweeps temp files of dead writers on open, and writeFileAtomic leaves no temp behind', async () => {
    const ws = workspaceFor(dir, 'INC-1');
    await saveRunbook(dir, 'INC-1', 'edited');
    const stale = join(ws.dir, '.runbook.md.999999.0123456789ab.tmp');
    await writeFile(stale, 'half');
    await openRunbookWorkspace(dir, 'INC-1', 'orig');
    expect((await readdir(ws.dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await writeFileAtomic(join(dir, 'f.txt'), 'x');
    expect(await readdir(dir)).toContain('f.txt');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('belongs to one bundle: opening writes nothing, another bundle of the incident starts from its own runbook, reset forgets the copy (issue 21)', async () => {
    const original = workspaceId('INC-1', '{"incident":{"id":"INC-1"},"v":1}');
    const recapture = workspaceId('INC-1', '{"incident":{"id":"INC-1"},"v":2}');
    expect(original).not.toBe(recapture);
    const opened = await openRunbookWorkspace(dir, original, 'bundle text');
    expect(opened).toMatchObject({ text: 'bundle text', edited: false });
    expect(existsSync(workspaceFor(dir, original).dir)).toBe(false); // merely opening made no copy

    await saveRunbook(dir, original, 'my edit');
    expect(await openRunbookWorkspace(dir, original, 'bundle text')).toMatchObject({ text: 'my edit', edited: true });
    // the recapture of the same incident is not run against the first bundle's copy
    expect(await openRunbookWorkspace(dir, recapture, 'recaptured text')).toMatchObject({ text: 'recaptured text', edited: false });

    // runs use the copy only where it differs from the bundle's own runbook
    const root = join(dir, 'bundle');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'runbook.md'), 'bundle text');
    expect(await runbookToRun(dir, original, root)).toEqual({ text: 'my edit', source: 'workspace' });
    expect(await runbookToRun(dir, recapture, root)).toEqual({ text: 'bundle text', source: 'bundle' });

    expect(await resetRunbook(dir, original)).toEqual({ reset: true });
    expect(await openRunbookWorkspace(dir, original, 'bundle text')).toMatchObject({ text: 'bundle text', edited: false, versions: [] });
    expect(await runbookToRun(dir, original, root)).toEqual({ text: 'bundle text', source: 'bundle' });
    expect(await resetRunbook(dir, original)).toEqual({ reset: false });
  });
});
