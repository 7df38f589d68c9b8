import { create } from 'zustand';
import type { BundleVerifyResult, OpenedBundleInfo, SampleBundleInfo } from '../../../shared/api/methods/bundle';
import { api, runOperation } from '../api';

interface VerifyEntry {
  running: boolean;
  result?: BundleVerifyResult;
  error?: string;
}

interface VerifyState {
  /** Verification state per open-bundle handle. */
  byHandle: Record<string, VerifyEntry>;
  /** The shipped sample and its key (null: not shipped; undefined: not asked yet). */
  sample?: SampleBundleInfo | null;
  verify(bundle: OpenedBundleInfo): Promise<void>;
}

export const useVerify = create<VerifyState>((set, get) => ({
  byHandle: {},
  verify: async (bundle) => {
    const { handle } = bundle;
    if (get().byHandle[handle]?.running) return;
    set((s) => ({ byHandle: { ...s.byHandle, [handle]: { running: true } } }));
    try {
      let sample = get().sample;
      if (sample === undefined) {
        sample = await api.call('bundle.sample', {}).catch(() => null);
        set({ sample });
      }
      // The sample ships with its public key; trusting it for the sample (and only the sample)
      // lets a first-time user see what a trusted signature looks like. Other bundles use the
      // trusted-keys folder.
      const keys = sample?.publicKey && sample.path === bundle.source ? [sample.publicKey] : undefined;
      const result = await runOperation('bundle.verify', { handle, ...(keys ? { keys } : {}) }).result;
      set((s) => ({ byHandle: { ...s.byHandle, [handle]: { running: false, result } } }));
    } catch (err) {
      set((s) => ({ byHandle: { ...s.byHandle, [handle]: { running: false, error: (err as Error).message } } }));
    }
  },
}));
