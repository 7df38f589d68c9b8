/**
 * What `repro capture` plans and reports (`--json`), shared by the CLI, the API and the UI.
 * Secret VALUES appear nowhere in these types: only names and the reasons they were taken.
 */
import type { EnvDecision } from './env-secrets';
import type { HarRedactionSummary } from '../har/redact';
import type { ReaddressSummary } from './readdress';

/** A running compose project or container that can be captured (the UI's list). */
export interface CaptureSourceContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  /** Compose project and service, when compose made it. */
  project?: string;
  service?: string;
}

export interface CaptureSources {
  projects: { name: string; services: string[]; containers: CaptureSourceContainer[]; running: boolean }[];
  /** Containers outside any compose project. */
  containers: CaptureSourceContainer[];
}

export type CaptureSelection = { project: string } | { containers: string[] };

export interface PlannedVolume {
  target: string;
  /** Named volume, anonymous volume (a hex name), bind mount or tmpfs. */
  kind: 'named' | 'anonymous' | 'bind' | 'tmpfs';
  /** Volume name, or the host path of a bind mount. */
  source: string;
  readOnly: boolean;
  /** Becomes snapshots/<service>-<n>.tar. */
  snapshot: boolean;
  /** Why there is no snapshot (bind mount, --no-snapshot ...). */
  reason?: string;
}

/** One env var as the plan shows it: the value only when it will be written into the bundle. */
export interface PlannedEnv extends EnvDecision {
  value?: string;
}

export interface PlannedService {
  name: string;
  container: { id: string; name: string };
  image: { id: string; ref: string; bytes: number; platform: string };
  env: PlannedEnv[];
  volumes: PlannedVolume[];
  ports: { container: number; protocol: 'tcp' | 'udp'; hostPort?: number; ingress: boolean }[];
  healthcheck: string;
  dependsOn: string[];
  notes: string[];
}

export interface CapturePlan {
  selection: CaptureSelection;
  services: PlannedService[];
  notCaptured: NotCaptured[];
}

export interface NotCaptured {
  what: string;
  why: string;
}

export interface CaptureReport {
  bundle: { path: string; id: string; title: string; packed?: string; signed?: { keyid: string } };
  services: Array<{
    name: string;
    container: string;
    image: { id: string; ref: string; archive: string };
    /** Names only. */
    secrets: { name: string; reason: string }[];
    snapshots: { target: string; file: string; bytes: number; paused: boolean }[];
    healthcheck: string;
  }>;
  redacted: {
    env: { service: string; name: string; reason: string }[];
    har: (HarRedactionSummary & { file: string })[];
  };
  traffic: { file: string; entries: number; readdressed: ReaddressSummary['moved']; unresolved: ReaddressSummary['unresolved'] }[];
  notCaptured: NotCaptured[];
  /** Warnings of the final verification and the capture's own scan (never a value). */
  warnings: { code: string; path?: string; message: string }[];
  /** `archivesFromCapture`: image and snapshot digests the verification took from the capture's own pass. */
  verify: { ok: boolean; signature: string; archivesFromCapture: number };
  totals: { files: number; bytes: number; images: number; snapshots: number; durationMs: number };
}
