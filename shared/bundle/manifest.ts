/**
 * The `repro.bundle/v1` manifest (bundle.json), as a strict zod schema.
 * Normative description: docs/bundle-format.md; JSON Schema: docs/bundle.schema.json
 * (generated from this file by scripts/gen-bundle-schema.ts and checked equal by a unit test).
 *
 * Every object is strict: unknown keys are errors, so a bundle cannot smuggle in options
 * (privileged mode, host mounts, capabilities...) that v1 does not have.
 * Only cross-field rules that JSON Schema cannot express live outside the schema, in
 * checkManifestSemantics (./semantics).
 */
import { z } from '../zod';
import { BUNDLE_PATH_PATTERN, BUNDLE_PATH_RULE } from './paths';
import { symptomsSchema } from './symptoms';

export const BUNDLE_SCHEMA_ID = 'repro.bundle/v1';

/** Marks zod issues about bundle paths so callers can report them as `unsafe_path`. */
export const UNSAFE_PATH_MESSAGE = `expected ${BUNDLE_PATH_RULE}`;

export const bundlePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(new RegExp(BUNDLE_PATH_PATTERN), { message: UNSAFE_PATH_MESSAGE });

const nonEmpty = z.string().min(1);
const timestamp = z.iso.datetime({ offset: true, message: 'expected an RFC 3339 timestamp such as 2026-11-20T14:02:00Z' });
const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/, { message: 'expected 64 lowercase hex characters (SHA-256)' });
const portNumber = z.int().min(1).max(65535);
const positiveMs = z.int().min(1).max(86_400_000);

export const SERVICE_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
export const serviceNameSchema = z
  .string()
  .regex(new RegExp(SERVICE_NAME_PATTERN), { message: 'expected a service name matching ^[a-z0-9][a-z0-9-]{0,62}$' });

export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
const envName = z.string().regex(new RegExp(ENV_NAME_PATTERN), { message: 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' });

/** Absolute path inside a container (working dir, volume target). */
const containerPath = z.string().regex(/^\/[^\u0000]*$/, { message: "expected an absolute container path starting with '/'" });

export const incidentSchema = z.strictObject({
  id: nonEmpty,
  title: nonEmpty,
  severity: nonEmpty,
  startedAt: timestamp,
  detectedAt: timestamp.optional(),
  resolvedAt: timestamp.optional(),
  summary: z.string().optional(),
  /** What the incident looked like, checked first by the verdict (./symptoms.ts); optional. */
  symptoms: symptomsSchema.optional(),
});

export const provenanceSchema = z.strictObject({
  source: z.strictObject({
    repo: nonEmpty,
    commit: nonEmpty,
    ref: nonEmpty.optional(),
  }),
  build: z
    .strictObject({
      id: nonEmpty.optional(),
      builder: nonEmpty.optional(),
      finishedAt: timestamp.optional(),
      url: z.string().optional(),
    })
    .optional(),
  deploy: z
    .strictObject({
      id: nonEmpty.optional(),
      environment: nonEmpty.optional(),
      at: timestamp.optional(),
    })
    .optional(),
  featureFlags: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).optional(),
});

export const imageSchema = z.strictObject({
  ref: nonEmpty,
  id: z.string().regex(/^sha256:[a-f0-9]{64}$/, { message: 'expected the image config digest, sha256:<64 hex>' }),
  archive: bundlePathSchema.optional(),
  /** `os/arch[/variant]` the image was built for, as the engine reported it at capture (e.g. linux/amd64). */
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, { message: 'expected a platform such as linux/amd64 or linux/arm64/v8' })
    .optional(),
});

export const secretRefSchema = z.strictObject({
  name: envName,
  /** Absent means required. */
  required: z.boolean().optional(),
});

export const portSchema = z.strictObject({
  container: portNumber,
  protocol: z.enum(['tcp', 'udp']).optional(),
  /** The port replayed traffic is sent to; at most one per service. */
  ingress: z.boolean().optional(),
});

const healthTiming = {
  intervalMs: positiveMs.optional(),
  timeoutMs: positiveMs.optional(),
};
export const httpHealthcheckSchema = z.strictObject({
  http: z.strictObject({ port: portNumber, path: z.string().regex(/^\//, { message: "expected an HTTP path starting with '/'" }) }),
  ...healthTiming,
});
export const cmdHealthcheckSchema = z.strictObject({
  cmd: z.array(nonEmpty).min(1),
  ...healthTiming,
});
/** Exactly one of `http` or `cmd`. */
export const healthcheckSchema = z.union([httpHealthcheckSchema, cmdHealthcheckSchema]);

export const volumeSchema = z.strictObject({
  /** A tar in the bundle unpacked into the fresh volume; absent = empty volume. */
  snapshot: bundlePathSchema.optional(),
  target: containerPath,
  readOnly: z.boolean().optional(),
});

export const resourcesSchema = z.strictObject({
  memoryMb: z.int().min(4).max(1_048_576).optional(),
  cpus: z.number().gt(0).max(1024).optional(),
  /** Most processes and threads the container may have (default 4096). */
  pids: z.int().min(16).max(1_048_576).optional(),
});

export const serviceSpecSchema = z.strictObject({
  name: serviceNameSchema,
  image: imageSchema,
  entrypoint: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  workingDir: containerPath.optional(),
  env: z.record(envName, z.string()).optional(),
  secrets: z.array(secretRefSchema).optional(),
  ports: z.array(portSchema).optional(),
  healthcheck: healthcheckSchema.optional(),
  dependsOn: z.array(serviceNameSchema).optional(),
  volumes: z.array(volumeSchema).optional(),
  resources: resourcesSchema.optional(),
});

const labelSelector = z.record(z.string(), z.string());
const thresholdPair = z.tuple([z.number(), z.number()]);

export const canaryMetricSchema = z.strictObject({
  name: nonEmpty,
  file: bundlePathSchema,
  direction: z.enum(['increase', 'decrease', 'either']),
  critical: z.boolean().optional(),
  group: nonEmpty.optional(),
  // Extensions to the v1 page (optional; Kayenta's settings and defaults):
  classifier: z.enum(['MannWhitney', 'MeanInequality']).optional(),
  tolerance: z.number().min(0).optional(),
  confLevel: z.number().gt(0).lt(1).optional(),
  effectSizeThresholds: thresholdPair.optional(),
  criticalThresholds: thresholdPair.optional(),
  effectSizeMeasure: z.enum(['meanRatio', 'cles']).optional(),
  nanStrategy: z.enum(['remove', 'replace']).optional(),
  /** A metric with no data fails the judge (NodataFailMetric) instead of being left out. */
  mustHaveData: z.boolean().optional(),
  /** Kayenta's IQR outlier removal; absent or 'keep' keeps every point. */
  outliers: z.strictObject({ strategy: z.enum(['keep', 'remove']), factor: z.number().positive().optional() }).optional(),
});

export const canarySpecSchema = z.strictObject({
  metrics: z.array(canaryMetricSchema),
  selectors: z.strictObject({ canary: labelSelector, baseline: labelSelector }),
  groupWeights: z.record(z.string(), z.number().min(0)).optional(),
  thresholds: z.strictObject({ pass: z.number().min(0).max(100), marginal: z.number().min(0).max(100) }).optional(),
});

export const replaySpecSchema = z.strictObject({
  noise: z
    .strictObject({
      jsonPaths: z.array(z.string().regex(/^\$/, { message: "expected a JSONPath starting with '$'" })).optional(),
      headers: z.array(nonEmpty).optional(),
    })
    .optional(),
});

export const fileEntrySchema = z.strictObject({
  path: bundlePathSchema,
  sha256: sha256Hex,
  size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const bundleManifestSchema = z.strictObject({
  schema: z.literal(BUNDLE_SCHEMA_ID),
  incident: incidentSchema,
  provenance: provenanceSchema,
  services: z.array(serviceSpecSchema),
  canary: canarySpecSchema.optional(),
  replay: replaySpecSchema.optional(),
  files: z.array(fileEntrySchema),
  createdAt: timestamp,
  createdBy: nonEmpty,
});

export type BundleManifest = z.infer<typeof bundleManifestSchema>;
export type Incident = z.infer<typeof incidentSchema>;
export type Provenance = z.infer<typeof provenanceSchema>;
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;
export type ImageSpec = z.infer<typeof imageSchema>;
export type SecretRef = z.infer<typeof secretRefSchema>;
export type PortSpec = z.infer<typeof portSchema>;
export type HealthcheckSpec = z.infer<typeof healthcheckSchema>;
export type VolumeSpec = z.infer<typeof volumeSchema>;
export type ResourcesSpec = z.infer<typeof resourcesSchema>;
export type CanarySpec = z.infer<typeof canarySpecSchema>;
export type CanaryMetricSpec = z.infer<typeof canaryMetricSchema>;
export type ReplaySpec = z.infer<typeof replaySpecSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** Defaults the page gives for optional fields, in one place so every area reads them the same. */
export const MANIFEST_DEFAULTS = {
  secretRequired: true,
  portProtocol: 'tcp',
  healthIntervalMs: 1000,
  healthTimeoutMs: 60_000,
  canaryThresholds: { pass: 95, marginal: 75 },
} as const;

/** The port replayed traffic goes to: the one marked ingress, else the only TCP port. */
export function ingressPort(service: ServiceSpec): number | undefined {
  const ports = service.ports ?? [];
  const marked = ports.find((p) => p.ingress);
  if (marked) return marked.container;
  const tcp = ports.filter((p) => (p.protocol ?? 'tcp') === 'tcp');
  return tcp.length === 1 ? tcp[0]!.container : undefined;
}
