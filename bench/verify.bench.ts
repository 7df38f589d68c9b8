/**
 * `repro verify` of a bundle holding one 768 MiB file, as a cold process, vs `sha256sum` over the
 * same file, in the same run. Goal: at most 1.25x. Both read the same (page-cached after the
 * first round) bytes and hash them with SHA-256; ours also walks the bundle, checks the schema,
 * image ids, signature and scans for credentials. The in-process column runs the command
 * through the CLI's main() in this process. Rounds alternate; medians are compared.
 *
 *   npx tsx bench/verify.bench.ts [--mib 768] [--rounds 3] [--json]
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';
import { alternate, emit, ensureBuilt, log, median, repro, row, runProcess } from './lib/harness';

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '768' }, rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } },
});
const mib = Number(values.mib);
const rounds = Number(values.rounds);

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), 'repro-bench-verify-'));
try {
  log(`writing a ${mib} MiB file into ${dir} …`);
  const root = join(dir, 'bundle');
  mkdirSync(join(root, 'snapshots'), { recursive: true });
  const big = join(root, 'snapshots', 'data.bin');
  // Incompressible bytes (a 1 MiB random block repeated: SHA-256 cost does not depend on content).
  const block = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  const fd = openSync(big, 'w');
  for (let i = 0; i < mib; i++) {
    writeSync(fd, block);
    hash.update(block);
  }
  closeSync(fd);
  const manifest = {
    schema: 'repro.bundle/v1',
    incident: { id: 'BENCH-VERIFY', title: 'verify benchmark', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
    provenance: { source: { repo: 'bench', commit: '0' } },
    services: [],
    files: [{ path: 'snapshots/data.bin', sha256: hash.digest('hex'), size: mib * 1024 * 1024 }],
    createdAt: '2026-11-20T15:00:00Z',
    createdBy: 'bench/verify.bench.ts',
  };
  writeFileSync(join(root, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');

  const env = { ...process.env, REPRO_HOME: join(dir, 'home') };
  const inProcess = async () => {
    let out = '';
    const t0 = performance.now();
    const code = await main(['verify', root, '--json'], { stdout: (t) => void (out += t), stderr: () => {}, env, cwd: process.cwd(), isTTY: false });
    if (code !== 0) throw new Error(`repro verify failed (exit ${code}): ${out}`);
    return performance.now() - t0;
  };
  await runProcess(['sha256sum', big]); // page cache warm for both
  const got = await alternate(
    rounds,
    { sha256sum: () => runProcess(['sha256sum', big]), cli: () => repro(['verify', root, '--json'], { env }), inProcess },
    (r, g) => log(`round ${r + 1}: sha256sum ${g.sha256sum.wallMs.toFixed(0)} ms, repro verify ${g.cli.wallMs.toFixed(0)} ms (in-process ${g.inProcess.toFixed(0)} ms)`),
  );
  emit(
    [
      row({
        id: 'verify-768mib',
        what: `verify a bundle holding one ${mib} MiB file`,
        unit: 'ms',
        better: 'lower',
        ours: { command: 'repro verify BUNDLE --json', value: median(got.cli.map((x) => x.wallMs)), cpuMs: median(got.cli.map((x) => x.cpuMs ?? NaN)) },
        baseline: { command: 'sha256sum FILE', value: median(got.sha256sum.map((x) => x.wallMs)), cpuMs: median(got.sha256sum.map((x) => x.cpuMs ?? NaN)) },
        inProcess: median(got.inProcess),
        goal: 1.25,
        rounds,
      }),
    ],
    values.json,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
