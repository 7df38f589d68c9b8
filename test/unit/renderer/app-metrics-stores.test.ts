// The app and metrics stores against the real in-process API: opening bundles (the newest open
// wins and an overtaken one is closed, not leaked), errors kept with their codes, and the canary
// judgement loaded once per bundle with a late reply for an older bundle dropped.
import { afterAll, describe, expect, it } from 'vitest';
import { useApp } from '../../../renderer/src/store/app';
import { useMetrics } from '../../../renderer/src/store/metrics';
import { installInProcessApi, sampleBundle } from './in-process-api';

const { wb, api, cleanup } = installInProcessApi();
afterAll(cleanup);

describe('app store', () => {
  it('opens a bundle, lists it as recent, and keeps a failed open as an error with its code', async () => {
    await useApp.getState().openBundle(sampleBundle);
    const { bundle } = useApp.getState();
    expect(bundle?.manifest.incident.id).toBe('INC-2041');
    await useApp.getState().refreshRecent();
    expect(useApp.getState().recent.data?.map((r) => r.incidentId)).toContain('INC-2041');

    await useApp.getState().openBundle('/no/such/bundle');
    expect(useApp.getState().openError).toMatchObject({ code: expect.stringMatching(/not_found|bundle_invalid|invalid_argument/) });
    // a failed open leaves the open bundle alone
    expect(useApp.getState().bundle?.handle).toBe(bundle!.handle);
  });

  it('two overlapping opens: the newest wins even when the older one ends last, and its bundle is closed, not leaked', async () => {
    await useApp.getState().closeBundle();
    const openHandles = () => [...(wb.areas.get('open-bundles') as { byHandle: Map<string, unknown> }).byHandle.keys()];
    // The first open must finish (not be cancelled) and its end must reach us after the second's.
    const releaseCancel = api.hold('op.cancel', 'before');
    const held = api.holdEvents((event, p) => event === 'op' && (p as { method: string }).method === 'bundle.open');
    const first = useApp.getState().openBundle(sampleBundle);
    const second = useApp.getState().openBundle(sampleBundle);
    const [a, b] = api.calls.filter((c) => c.method === 'bundle.open').slice(-2).map((c) => c.opId!);
    await expect.poll(() => [wb.ops.get(a!)?.state, wb.ops.get(b!)?.state]).toEqual(['done', 'done']);
    const of = (id: string) => (_e: unknown, p: unknown) => (p as { op: { id: string } }).op.id === id;
    held.release(of(b!)); // the newer open's end first
    await second;
    const shown = useApp.getState().bundle!.handle;
    held.release(of(a!)); // then the late end of the older one
    await first;
    held.stop();
    releaseCancel();
    expect(useApp.getState().bundle?.handle).toBe(shown);
    await expect.poll(openHandles).toEqual([shown]);
  });
});

describe('metrics store', () => {
  it('judges the canary of the open bundle and opens the first failing metric', async () => {
    const handle = useApp.getState().bundle!.handle;
    await useMetrics.getState().judge(handle);
    const { view, open } = useMetrics.getState();
    expect(view).toMatchObject({ key: handle, loading: false });
    expect(view.data?.judgement.verdict).toBe('fail');
    expect(open).toBe(view.data?.judgement.metrics.find((m) => m.classification !== 'Pass' && m.classification !== 'Nodata')?.name);
  });

  it('a late reply for an older bundle does not overwrite the newer one', async () => {
    const handle = useApp.getState().bundle!.handle;
    const release = api.hold('canary.judge');
    const old = useMetrics.getState().judge(handle);
    // the user moved on to another bundle (here one that is gone: any other key) before the reply
    await useMetrics.getState().judge('no-such-handle');
    release();
    await old;
    expect(useMetrics.getState().view).toMatchObject({ key: 'no-such-handle', loading: false, error: { code: 'not_found' } });
    expect(useMetrics.getState().view.data).toBeUndefined();
  });
});
