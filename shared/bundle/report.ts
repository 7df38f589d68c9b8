/**
 * Turning a VerifyReport into what the verification view shows: one row per file and a
 * signature badge that explains itself. Pure, so the wording is tested once.
 */
import type { SignatureStatus } from './dsse';
import type { BundleManifest } from './manifest';
import type { BundleProblem, ProblemCode, VerifyReport } from './problems';

export type FileStatus = 'ok' | 'missing' | 'unlisted' | 'size' | 'digest' | 'unsafe' | 'image';

export interface FileResult {
  path: string;
  /** Listed size (or undefined for unlisted files). */
  size?: number;
  status: FileStatus;
  message?: string;
}

const STATUS_BY_CODE: Partial<Record<ProblemCode, FileStatus>> = {
  missing_file: 'missing',
  unlisted_file: 'unlisted',
  size_mismatch: 'size',
  digest_mismatch: 'digest',
  unsafe_path: 'unsafe',
  image_id_mismatch: 'image',
  corrupt_archive: 'image',
};

export function fileResults(manifest: BundleManifest, report: VerifyReport): FileResult[] {
  const byPath = new Map<string, BundleProblem>();
  for (const p of report.problems) {
    if (p.path && STATUS_BY_CODE[p.code] && !byPath.has(p.path)) byPath.set(p.path, p);
  }
  const rows: FileResult[] = manifest.files.map((f) => {
    const p = byPath.get(f.path);
    return p ? { path: f.path, size: f.size, status: STATUS_BY_CODE[p.code]!, message: p.message } : { path: f.path, size: f.size, status: 'ok' };
  });
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const [path, p] of byPath) {
    if (!listed.has(path) && !path.startsWith('bundle.json')) rows.push({ path, status: STATUS_BY_CODE[p.code]!, message: p.message });
  }
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface SignatureExplanation {
  tone: 'ok' | 'warn' | 'bad';
  label: string;
  /** One or two sentences: what was checked and what it means for the engineer. */
  detail: string;
}

export function explainSignature(sig: VerifyReport['signature'], keySource?: string): SignatureExplanation {
  const short = sig.keyid ? `${sig.keyid.slice(0, 16)}…` : 'an unnamed key';
  switch (sig.status) {
    case 'trusted':
      return {
        tone: 'ok',
        label: 'Signed · trusted',
        detail: `bundle.json is signed (DSSE, Ed25519) by key ${short}${keySource ? ` (${keySource})` : ''}, which you trust. bundle.json pins every other file's SHA-256, so the whole bundle is as its signer made it.`,
      };
    case 'untrusted':
      return {
        tone: 'warn',
        label: 'Signed · key not trusted',
        detail: `The signature envelope covers this exact bundle.json, but it was made with key ${short}, which is not among your trusted keys, so it could not be checked. Trust the signer's public key to check it: repro keys add SIGNER.pub.pem puts it in your trusted-keys folder (or pass --key to repro verify).`,
      };
    case 'invalid':
      return {
        tone: 'bad',
        label: 'Signature invalid',
        detail: 'attestations/bundle.dsse.json does not match this bundle: either bundle.json changed after signing or the signature does not verify. Do not trust this bundle until you know why.',
      };
    case 'not_checked':
      return {
        tone: 'bad',
        label: 'Signature not checked',
        detail: 'The bundle was refused before its signature could be checked (see the problems above).',
      };
    case 'unsigned':
      return {
        tone: 'warn',
        label: 'Unsigned',
        detail: 'The bundle carries no signature (attestations/bundle.dsse.json), so nothing says who made it. The file digests still show whether it is complete and consistent.',
      };
  }
}

/**
 * What a bundle's signature means to the person about to run it, in one plain sentence for the
 * CLI, the UI and the report. An unsigned or untrusted bundle still opens and runs (unless the
 * signature policy says otherwise), but nobody vouches for it, and we say so.
 */
export interface TrustStatement {
  /** True only when a key the user trusts signed exactly this bundle.json. */
  vouched: boolean;
  text: string;
}

export function trustStatement(signature: { status: SignatureStatus; keyid?: string | undefined }): TrustStatement {
  const key = signature.keyid ? `key ${signature.keyid.slice(0, 16)}…` : 'a key';
  switch (signature.status) {
    case 'trusted':
      return { vouched: true, text: `Signed by ${key}, which you trust: its owner vouches for every file of this bundle.` };
    case 'untrusted':
      return { vouched: false, text: `Nobody you trust vouches for this bundle: it is signed by ${key}, which is not among your trusted keys.` };
    case 'invalid':
      return { vouched: false, text: 'Nobody vouches for this bundle: its signature does not verify (it was changed after signing, or the signature is forged).' };
    case 'unsigned':
      return { vouched: false, text: 'Nobody vouches for this bundle: it is not signed. Run it only if you trust where it came from.' };
    case 'not_checked':
      return { vouched: false, text: 'Nobody vouches for this bundle: it was refused before its signature could be checked.' };
  }
}
