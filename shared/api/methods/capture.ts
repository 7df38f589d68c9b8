import { z } from 'zod';
import { method, operation } from '../define';
import type { ProgressEvent } from '../events';
import type { CapturePlan, CaptureReport, CaptureSources } from '../../capture/report';

export type { CapturePlan, CaptureReport, CaptureSources };

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an env var name' });
const serviceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'expected a service name' });

export const captureSelectionSchema = z.union([
  z.object({ project: z.string().min(1).max(256) }).strict(),
  z.object({ containers: z.array(z.string().min(1).max(256)).min(1).max(256) }).strict(),
]);

const overridesSchema = z
  .object({
    /** Always secrets (`--secret`). */
    secret: z.array(envName).max(1000).optional(),
    /** Never secrets (`--keep-env`). */
    keep: z.array(envName).max(1000).optional(),
  })
  .strict();

export const captureMethods = {
  /** Running compose projects and containers that can be captured, and where bundles go by default. */
  'capture.sources': method(z.object({}).strict()).returns<CaptureSources & { outDir: string }>(),
  /** The selection described as it would be captured (env vars with their secret decision and reason); nothing is written. */
  'capture.plan': method(z.object({ selection: captureSelectionSchema, overrides: overridesSchema.optional() }).strict()).returns<CapturePlan>(),
  /**
   * Capture into a new folder: an operation. Each step (an image save, a volume copy, the final
   * verification) is a part with its own bar; the live data is every step's progress, the
   * finished ones included, so a pane can show the whole run.
   */
  'capture.run': operation(
    z
      .object({
        selection: captureSelectionSchema,
        out: z.string().min(1).max(4096),
        overrides: overridesSchema.optional(),
        incident: z.object({ id: z.string().min(1).max(200).optional(), title: z.string().min(1).max(500).optional(), severity: z.string().min(1).max(50).optional() }).strict().optional(),
        logs: z.boolean().optional(),
        pauseForSnapshots: z.boolean().optional(),
        /** An Ed25519 private key (PEM) file to sign the bundle with. */
        signKey: z.string().min(1).max(4096).optional(),
        noSnapshot: z.array(z.object({ service: serviceName, target: z.string().regex(/^\//).max(4096) }).strict()).max(256).optional(),
      })
      .strict(),
  ).returns<CaptureReport, ProgressEvent>(),
};
