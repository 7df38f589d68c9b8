import { z } from 'zod';
import type { BundleManifest } from '../../bundle/manifest';
import { method } from '../define';

/** A bundle opened by the backend; the renderer refers to it by `handle` in later calls. */
export interface OpenedBundleInfo {
  handle: string;
  /** What the user opened (folder or archive path). */
  source: string;
  /** The folder the backend reads (the unpack folder for archives). */
  root: string;
  packed: boolean;
  manifest: BundleManifest;
  /** Which optional parts are present, so panes can show their empty states without guessing. */
  contents: { traces: string[]; metrics: string[]; traffic: string[]; fixtures: string[]; runbook: boolean; signed: boolean };
}

export interface RecentBundle {
  path: string;
  title: string;
  incidentId: string;
  openedAt: string;
}

export const bundleMethods = {
  'bundle.open': method(z.object({ path: z.string().min(1).max(4096) }).strict()).returns<OpenedBundleInfo>(),
  'bundle.close': method(z.object({ handle: z.string().min(1) }).strict()).returns<{ closed: boolean }>(),
  'bundle.recent': method(z.object({}).strict()).returns<RecentBundle[]>(),
};
