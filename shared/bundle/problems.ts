/** Problem codes and the report shape of `repro verify --json` (also the API's verify result). */
import type { SignatureStatus } from './dsse';

export const PROBLEM_CODES = [
  'parse',
  'schema',
  'unsafe_path',
  'unsafe_archive',
  'archive_limit',
  'corrupt_archive',
  'missing_file',
  'unlisted_file',
  'size_mismatch',
  'digest_mismatch',
  'image_id_mismatch',
  'signature_invalid',
  'signature_untrusted',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface BundleProblem {
  code: ProblemCode;
  /** A path inside the bundle, or a JSON pointer into bundle.json (`bundle.json#/services/0/name`). */
  path?: string;
  message: string;
}

export const WARNING_CODES = ['secret_suspect', 'image_not_checked', 'signature_note'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];
export interface BundleWarning {
  code: WarningCode;
  path?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  bundle: { id: string | null; title: string | null };
  signature: { status: SignatureStatus; keyid?: string };
  /** `reused`: digests taken from earlier verifications of unchanged files (repro up only). */
  files: { checked: number; failed: number; reused?: number };
  problems: BundleProblem[];
  warnings: BundleWarning[];
}

/** A pointer into the manifest, as used in problem paths. */
export function manifestPointer(path: readonly PropertyKey[]): string {
  return 'bundle.json#' + path.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
