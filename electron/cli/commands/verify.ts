import { resolve } from 'node:path';
import { trustStatement } from '../../../shared/bundle/report';
import type { BundleProblem, VerifyReport } from '../../../shared/bundle/problems';
import { callInProcess } from '../../api/dispatch';
import { loadKeyFile } from '../../services/bundles/keys';
import { parseByteSize } from '../../services/bundles/limits';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError, type CliIo } from '../command';
import { resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'verify',
    summary: 'check a bundle: manifest, file digests, image ids, signature, stray credentials',
    usage: ['verify <bundle> [--key FILE]... [--max-entries N] [--max-bytes SIZE] [--json]'],
    description: `<bundle> is a folder or a .tar/.tar.gz/.tgz archive (unpacked into a private temp folder,
removed afterwards). Checks bundle.json against repro.bundle/v1, the size and SHA-256 of every
listed file, files missing or unlisted, each image archive's config digest against image.id,
and the DSSE signature in attestations/bundle.dsse.json. Credentials found in env values or text
files are warnings.

Keys: --key FILE (repeatable) trusts a PEM public key for this run and REQUIRES a trusted
signature; keys in the trusted-keys folder (<config>/trusted-keys/*.pem, see repro keys) are
trusted too.`,
    options: [
      { name: 'key', value: 'FILE', multiple: true, help: 'trust this public key (PEM, Ed25519) and require a trusted signature' },
      { name: 'max-entries', value: 'N', help: 'archive entry limit (default 100000; setting bundles.maxEntries)' },
      { name: 'max-bytes', value: 'SIZE', help: 'unpacked size limit (default 20GiB; setting bundles.maxUnpackedBytes);\nGiB/MiB are powers of 1024, GB/MB of 1000' },
      { name: 'json', help: 'print the report {ok, bundle, signature, files, problems, warnings}' },
    ],
    exits: {
      0: 'the bundle verifies (and, with --key, carries a trusted signature)',
      1: 'it does not (an invalid signature always), or it cannot be read: no such path, not a bundle, an unreadable --key file',
      130: 'cancelled',
    },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle (folder or .tar/.tar.gz/.tgz)');
    const source = positionals[0]!;
    let maxEntries: number | undefined;
    if (values['max-entries'] !== undefined) {
      maxEntries = Number(values['max-entries']);
      if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) throw new UsageError(`--max-entries must be a positive integer, got "${values['max-entries']}"`);
    }
    let maxUnpackedBytes: number | undefined;
    if (values['max-bytes'] !== undefined) {
      try {
        maxUnpackedBytes = parseByteSize(values['max-bytes']);
      } catch (err) {
        throw new UsageError(`--max-bytes: ${(err as Error).message}`);
      }
    }
    const keys = (values.key ?? []).map((k) => resolve(io.cwd, k));
    const path = resolve(io.cwd, source);
    // Every key is read before the bundle is: a key that cannot be used fails the run at once.
    for (const k of keys) await loadKeyFile(k);
    const report = await runVerify(path, keys, { maxEntries, maxUnpackedBytes }, io);
    if (values.json) printJson(io, report);
    else io.stdout(formatReport(report, source));
    return report.ok ? 0 : 1;
  },
);

/** bundle.open then bundle.verify, the operations the UI runs, in this process (Ctrl-C cancels either). */
async function runVerify(
  path: string,
  keys: string[],
  limits: { maxEntries?: number; maxUnpackedBytes?: number },
  io: CliIo,
): Promise<VerifyReport> {
  const wb = createWorkbench({ host: 'cli', env: io.env });
  const open = await runCliOperation(io, wb, 'bundle.open', { path, ...(limits.maxEntries || limits.maxUnpackedBytes ? { limits } : {}) });
  if (open.state === 'failed') {
    const problems = (open.error.details as { problems?: BundleProblem[] } | undefined)?.problems;
    if (open.error.code === 'bundle_invalid' && problems) {
      return {
        ok: false,
        bundle: { id: null, title: null },
        signature: { status: 'not_checked' },
        files: { checked: 0, failed: 0 },
        problems,
        warnings: [],
      };
    }
  }
  const opened = resultOrThrow(open);
  try {
    const { trustedKeys: _trusted, ...report } = resultOrThrow(await runCliOperation(io, wb, 'bundle.verify', { handle: opened.handle, ...(keys.length ? { keys } : {}) }));
    return report;
  } finally {
    await callInProcess(wb, 'bundle.close', { handle: opened.handle }, 'cli');
  }
}

export function formatReport(r: VerifyReport, source: string): string {
  const lines: string[] = [];
  const title = r.bundle.id ? `${r.bundle.id} — ${r.bundle.title}` : source;
  lines.push(`${r.ok ? 'OK' : 'FAILED'}  ${title}`);
  lines.push(`  files: ${r.files.checked} checked, ${r.files.failed} failed`);
  const sig = r.signature;
  const sigText = {
    trusted: `trusted (key ${sig.keyid?.slice(0, 16)}…)`,
    untrusted: `valid envelope, but signed by a key you do not trust${sig.keyid ? ` (${sig.keyid.slice(0, 16)}…)` : ''}`,
    invalid: 'INVALID',
    unsigned: 'unsigned',
    not_checked: 'not checked (the bundle was refused before its signature could be)',
  }[sig.status];
  lines.push(`  signature: ${sigText}`);
  lines.push(`  ${trustStatement(sig).text}`);
  for (const p of r.problems) lines.push(`  ✗ [${p.code}] ${p.message}`);
  for (const w of r.warnings) lines.push(`  ! [${w.code}] ${w.message}`);
  return lines.join('\n') + '\n';
}
