/**
 * Metrics pane state: the open bundle's canary judgement (judged once per bundle, kept across
 * pane switches) and which metric is open.
 */
import { create } from 'zustand';
import type { CanaryView } from '../../../shared/api/methods/canary';
import { api } from '../api';
import { load, remote, type Remote } from './remote';

export type MetricFilter = 'all' | 'failing';

interface MetricsState {
  /** Keyed by bundle handle. */
  view: Remote<CanaryView>;
  open?: string;
  filter: MetricFilter;
  judge(handle: string): Promise<void>;
  toggle(name: string): void;
  setFilter(filter: MetricFilter): void;
}

export const useMetrics = create<MetricsState>((set, get) => ({
  view: remote(),
  filter: 'all',
  judge: async (handle) => {
    const view = await load(useMetrics, 'view', handle, () => api.call('canary.judge', { bundle: handle }));
    // Open the first failing metric: that is what the engineer came for.
    if (view) set({ open: view.judgement.metrics.find((m) => m.classification !== 'Pass' && m.classification !== 'Nodata')?.name });
  },
  toggle: (name) => set({ open: get().open === name ? undefined : name }),
  setFilter: (filter) => set({ filter }),
}));
