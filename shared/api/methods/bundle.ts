import { z } from '../../zod';
import type { BundleManifest } from '../../bundle/manifest';
import type { VerifyReport } from '../../bundle/problems';
import { method, operation } from '../define';

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
  contents: { traces: string[]; logs?: string[]; metrics: string[]; traffic: string[]; fixtures: string[]; runbook: boolean; signed: boolean };
}

export interface RecentBundle {
  path: string;
  title: string;
  incidentId: string;
  openedAt: string;
}

/** `repro verify --json`, plus what the UI needs to explain it. */
export interface BundleVerifyResult extends VerifyReport {
  /** The public keys that were trusted for this check, and where each came from. */
  trustedKeys: { keyid: string; source: string }[];
}

export interface SampleBundleInfo {
  /** The sample incident shipped with the app. */
  path: string;
  /** The public key its signature is made with (examples/keys/sample.pub.pem). */
  publicKey?: string;
}

export const bundleMethods = {
  /** Open a bundle folder, or unpack an archive (an operation: progress in bytes, cancellable). */
  'bundle.open': operation(
    z
      .object({
        path: z.string().min(1).max(4096),
        /** Archive limits for this open (default: settings.json, else the built-in ones). */
        limits: z.object({ maxEntries: z.int().min(1).optional(), maxUnpackedBytes: z.int().min(1).optional() }).strict().optional(),
      })
      .strict(),
  ).returns<OpenedBundleInfo>(),
  'bundle.close': method(z.object({ handle: z.string().min(1) }).strict()).returns<{ closed: boolean }>(),
  'bundle.recent': method(z.object({}).strict()).returns<RecentBundle[]>(),
  /** Verify an open bundle: digests, image ids, signature, secrets (an operation: progress in bytes). */
  'bundle.verify': operation(z.object({ handle: z.string().min(1), keys: z.array(z.string().min(1).max(4096)).max(32).optional() }).strict()).returns<BundleVerifyResult>(),
  'bundle.sample': method(z.object({}).strict()).returns<SampleBundleInfo | null>(),
};
