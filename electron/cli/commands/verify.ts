import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { trustStatement } from '../../../shared/bundle/report';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleProblem, VerifyReport } from '../../../shared/bundle/problems';
import { callInProcess } from '../../api/dispatch';
import { loadKeyFile } from '../../services/bundles/keys';
import { parseByteSize } from '../../services/bundles/limits';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'verify',
  summary: 'check a bundle: manifest, file digests, image ids, signature, stray credentials',
  usage: `Usage: repro verify <bundle> [--key FILE]... [--json] [--max-entries N] [--max-bytes SIZE]

<bundle> is a folder or a .tar/.tar.gz/.tgz archive (unpacked into a private temp folder,
removed afterwards). Checks bundle.json against repro.bundle/v1, the size and SHA-256 of every
listed file, files missing or unlisted, each image archive's config digest against image.id,
and the DSSE signature in attestations/bundle.dsse.json. Credentials found in env values or text
files are warnings.

Keys: --key FILE (repeatable) trusts a PEM public key for this run and REQUIRES a trusted
signature; keys in the trusted-keys folder (${'<config>'}/trusted-keys/*.pem) are trusted too.

Exit 0 when integrity holds (and, with --key, a trusted signature exists); 1 otherwise
(an invalid signature is always 1); 2 usage error (no such path, unusable --key file).

Options:
  --key FILE         trust this public key (PEM, Ed25519); repeatable
  --json             print the report as one JSON document
  --max-entries N    archive entry limit (default 100000; setting bundles.maxEntries)
  --max-bytes SIZE   unpacked size limit, e.g. 40GiB (default 20GiB; setting bundles.maxUnpackedBytes)`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        key: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        'max-entries': { type: 'string' },
        'max-bytes': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
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
    // A key we cannot use is a mistake on the command line, not a verdict on the bundle.
    for (const k of keys) {
      try {
        await loadKeyFile(k);
      } catch (err) {
        throw new UsageError(`--key ${k}: ${(err as Error).message}`);
      }
    }

    let report: VerifyReport;
    try {
      report = await runVerify(path, keys, { maxEntries, maxUnpackedBytes }, io);
    } catch (err) {
      // No such path, or not a folder/archive: nothing was verified, so this is a usage error (exit 2).
      if (err instanceof WorkbenchError && (err.code === 'not_found' || err.code === 'invalid_argument')) throw new UsageError(err.message);
      throw err;
    }
    if (values.json) printJson(io, report);
    else io.stdout(formatReport(report, source));
    return report.ok ? 0 : 1;
  },
};

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
        signature: { status: 'unsigned' },
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
  }[sig.status];
  lines.push(`  signature: ${sigText}`);
  lines.push(`  ${trustStatement(sig).text}`);
  for (const p of r.problems) lines.push(`  ✗ [${p.code}] ${p.message}`);
  for (const w of r.warnings) lines.push(`  ! [${w.code}] ${w.message}`);
  return lines.join('\n') + '\n';
}
