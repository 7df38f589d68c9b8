import { z } from '../../zod';
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

const iso = z.iso.datetime({ offset: true });
const path = z.string().min(1).max(4096);
const labelSelector = z.record(z.string().min(1).max(200), z.string().max(500));

const overridesSchema = z
  .object({
    /** Always secrets (`--secret`). */
    secret: z.array(envName).max(1000).optional(),
    /** Never secrets (`--keep-env`). */
    keep: z.array(envName).max(1000).optional(),
  })
  .strict();

/** Everything `repro capture` takes (the UI uses a part of it). */
export const captureRunInput = z
  .object({
    selection: captureSelectionSchema,
    out: path,
    overrides: overridesSchema.optional(),
    incident: z
      .object({ id: z.string().min(1).max(200).optional(), title: z.string().min(1).max(500).optional(), severity: z.string().min(1).max(50).optional(), startedAt: iso.optional(), summary: z.string().max(10_000).optional() })
      .strict()
      .optional(),
    provenance: z
      .object({
        repo: z.string().min(1).max(1000).optional(),
        commit: z.string().min(1).max(200).optional(),
        ref: z.string().min(1).max(200).optional(),
        buildId: z.string().min(1).max(200).optional(),
        deployId: z.string().min(1).max(200).optional(),
        environment: z.string().min(1).max(200).optional(),
        featureFlags: z.record(z.string().min(1).max(200), z.union([z.string().max(1000), z.boolean(), z.number()])).optional(),
      })
      .strict()
      .optional(),
    ingress: z.object({ service: serviceName, port: z.int().min(1).max(65535).optional() }).strict().optional(),
    traffic: z.array(path).max(100).optional(),
    fixtures: z.array(path).max(100).optional(),
    traces: z.array(path).max(100).optional(),
    logs: z.object({ services: z.union([z.literal('all'), z.array(serviceName).max(256)]), sinceMs: z.int().min(1).optional() }).strict().optional(),
    prometheus: z
      .object({
        url: z.string().regex(/^https?:\/\/\S+$/, { message: 'expected an http(s) URL' }).max(4096),
        metrics: z.array(z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/), query: z.string().min(1).max(10_000), direction: z.enum(['increase', 'decrease', 'either']) }).strict()).min(1).max(200),
        from: iso,
        to: iso,
        stepSeconds: z.number().min(1).max(86_400),
        canarySelector: labelSelector.optional(),
        baselineSelector: labelSelector.optional(),
      })
      .strict()
      .optional(),
    noise: z.object({ jsonPaths: z.array(z.string().regex(/^\$/)).max(200).optional(), headers: z.array(z.string().min(1).max(200)).max(200).optional() }).strict().optional(),
    noSnapshot: z.array(z.object({ service: serviceName, target: z.string().regex(/^\//).max(4096) }).strict()).max(256).optional(),
    pauseForSnapshots: z.boolean().optional(),
    /** An Ed25519 private key (PEM) file to sign the bundle with. */
    signKey: path.optional(),
    /** Also write the packed bundle here. */
    pack: path.optional(),
    redactHeaders: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .strict();

export const captureMethods = {
  /** Running compose projects and containers that can be captured, and where bundles go by default. */
  'capture.sources': method(z.object({}).strict()).returns<CaptureSources & { outDir: string }>(),
  /** The selection described as it would be captured (env vars with their secret decision and reason); nothing is written. */
  'capture.plan': method(z.object({ selection: captureSelectionSchema, overrides: overridesSchema.optional() }).strict()).returns<CapturePlan>(),
  /**
   * Capture into a new folder: an operation (`repro capture` runs the same one in-process). Each
   * step (an image save, a volume copy, the final verification) is a part with its own bar; the
   * live data is every step's progress, the finished ones included, so a pane can show the run.
   */
  'capture.run': operation(captureRunInput).returns<CaptureReport, ProgressEvent>(),
};
