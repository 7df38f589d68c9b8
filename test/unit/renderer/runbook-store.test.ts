// The runbook store against the real in-process API: the working copy loads once per bundle, an
// edit autosaves (also with no pane mounted), a save refused because the runbook changed
// elsewhere keeps its `conflict` code, and the diff view's texts load by version.
import { afterAll, describe, expect, it } from 'vitest';
import { useApp } from '../../../renderer/src/store/app';
import { useRunbook } from '../../../renderer/src/store/runbook';
import { installInProcessApi, sampleBundle, until } from './in-process-api';

const { api, cleanup } = installInProcessApi();
afterAll(cleanup);

describe('runbook store', () => {
  it('loads the working copy and autosaves an edit after a pause in typing', async () => {
    await useApp.getState().openBundle(sampleBundle);
    const handle = useApp.getState().bundle!.handle;
    await useRunbook.getState().open(handle);
    const first = useRunbook.getState();
    expect(first.workspace.data?.bundleId).toBe('INC-2041');
    expect(first.text).toContain('NEW_PRICING');
    const revision = first.revision;

    useRunbook.getState().edit(`${first.text}\nOne more line typed by the test.\n`);
    expect(useRunbook.getState().save.kind).toBe('dirty');
    const saved = await until(useRunbook, (s) => s.save.kind === 'saved');
    expect(saved.revision).not.toBe(revision);
    // the backend has it: a fresh open reads the edited text
    const again = await api.call('runbook.open', { handle });
    expect(again.text).toContain('One more line typed by the test.');
  });

  it('a save refused because the runbook changed elsewhere keeps the conflict code', async () => {
    const ws = useRunbook.getState().workspace.data!;
    // another window saves first
    await api.call('runbook.save', { workspace: ws.workspace, text: 'changed elsewhere\n', baseRevision: useRunbook.getState().revision });
    useRunbook.getState().edit('my edit\n');
    await useRunbook.getState().saveNow();
    expect(useRunbook.getState().save).toMatchObject({ kind: 'error', error: { code: 'conflict' } });
  });

  it("loads the diff base: the bundle's text, or a saved version by id", async () => {
    await useRunbook.getState().open(useApp.getState().bundle!.handle); // reload after the conflict
    const ws = useRunbook.getState().workspace.data!;
    useRunbook.getState().setDiffBase('bundle');
    await useRunbook.getState().loadDiff();
    expect(useRunbook.getState().diffText).toMatchObject({ key: `${ws.workspace}:bundle`, data: ws.bundleText });
    const version = ws.versions[0]!;
    useRunbook.getState().setDiffBase(version.id);
    await useRunbook.getState().loadDiff();
    expect(useRunbook.getState().diffText.key).toBe(`${ws.workspace}:${version.id}`);
    expect(typeof useRunbook.getState().diffText.data).toBe('string');
  });
});
