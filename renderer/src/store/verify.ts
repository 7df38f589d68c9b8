/**
 * Verification per open bundle: runs as an operation (its bar comes from store/operations.ts),
 * outside the Incident pane, so leaving the pane mid-verify loses nothing; it can be cancelled.
 */
import { create } from 'zustand';
import type { BundleVerifyResult, OpenedBundleInfo, SampleBundleInfo } from '../../../shared/api/methods/bundle';
import { api, runOperation } from '../api';
import { reportBackgroundError } from './app';
import { toUiError, type UiError } from './remote';

interface VerifyEntry {
  /** The verify operation while it runs. */
  opId?: string;
  result?: BundleVerifyResult;
  error?: UiError;
  cancelled?: boolean;
}

interface VerifyState {
  /** Verification state per open-bundle handle. */
  byHandle: Record<string, VerifyEntry>;
  /** The shipped sample and its key (null: not shipped or not known; undefined: not asked yet). */
  sample?: SampleBundleInfo | null;
  verify(bundle: OpenedBundleInfo): Promise<void>;
  cancel(handle: string): void;
}

export const useVerify = create<VerifyState>((set, get) => ({
  byHandle: {},
  verify: async (bundle) => {
    const { handle } = bundle;
    if (get().byHandle[handle]?.opId) return;
    const write = (entry: VerifyEntry) => set((s) => ({ byHandle: { ...s.byHandle, [handle]: entry } }));
    write({ opId: 'starting' });
    let sample = get().sample;
    if (sample === undefined) {
      sample = await api.call('bundle.sample', {}).catch((err) => {
        reportBackgroundError('Looking up the sample bundle (its key is then not trusted)', err);
        return null;
      });
      set({ sample });
    }
    // The sample ships with its public key; trusting it for the sample (and only the sample)
    // lets a first-time user see what a trusted signature looks like. Other bundles use the
    // trusted-keys folder.
    const keys = sample?.publicKey && sample.path === bundle.source ? [sample.publicKey] : undefined;
    const run = runOperation('bundle.verify', { handle, ...(keys ? { keys } : {}) });
    write({ opId: run.opId });
    const end = await run.end;
    if (end.state === 'done') write({ result: end.result });
    else if (end.state === 'cancelled') write({ cancelled: true });
    else write({ error: toUiError(end.error) });
  },
  cancel: (handle) => {
    const opId = get().byHandle[handle]?.opId;
    if (opId && opId !== 'starting') void api.call('op.cancel', { id: opId }).catch((err) => reportBackgroundError('Cancelling the verification', err));
  },
}));
