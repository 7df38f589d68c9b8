/**
 * `repro verify` on a bundle holding one 768 MiB file vs `sha256sum` over the same files, in the
 * same run. Goal: at most 1.25x. Both sides read the same (page-cached after the first round)
 * bytes and hash them with SHA-256; the measured side is the real command run in-process
 * through the CLI's main (open, schema, walk, streamed hashing, image/signature/secret checks).
 * Rounds alternate; the median wall time of each side is compared.
 *
 *   npx tsx bench/verify.bench.ts [--mib 768] [--rounds 3] [--json]
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '768' }, rounds: { type: 'string', default: '3' }, json: { type: 'boolean' } },
});
const mib = Number(values.mib);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(s + '\n');

function makeBundle(dir: string): string[] {
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
    incident: { id: 'BENCH-1', title: 'verify benchmark', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
    provenance: { source: { repo: 'bench', commit: '0' } },
    services: [],
    files: [{ path: 'snapshots/data.bin', sha256: hash.digest('hex'), size: mib * 1024 * 1024 }],
    createdAt: '2026-11-20T15:00:00Z',
    createdBy: 'bench/verify.bench.ts',
  };
  writeFileSync(join(root, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
  return [root, big];
}

function timeSha256sum(files: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('sha256sum', files, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  return performance.now() - t0;
}

async function timeVerify(root: string, home: string): Promise<number> {
  let out = '';
  const t0 = performance.now();
  const code = await main(['verify', root, '--json'], {
    stdout: (t) => void (out += t),
    stderr: () => {},
    env: { ...process.env, REPRO_HOME: home },
    cwd: process.cwd(),
    isTTY: false,
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`repro verify failed (exit ${code}): ${out}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'repro-bench-verify-'));
try {
  log(`writing a ${mib} MiB file into ${dir} …`);
  const [root, big] = makeBundle(dir);
  const home = join(dir, 'home');
  // Warm the page cache so both sides read from memory, not whichever ran first from disk.
  timeSha256sum([big!]);
  const base: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(timeSha256sum([big!]));
    ours.push(await timeVerify(root!, home));
    log(`round ${i + 1}: sha256sum ${base.at(-1)!.toFixed(0)} ms, repro verify ${ours.at(-1)!.toFixed(0)} ms`);
  }
  const ms = median(ours);
  const baselineMs = median(base);
  const ratio = ms / baselineMs;
  const result = { name: 'verify-768MiB-vs-sha256sum', ratio, ms, baselineMs, goal: 1.25, mib };
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
  else log(`repro verify ${ms.toFixed(0)} ms vs sha256sum ${baselineMs.toFixed(0)} ms: ratio ${ratio.toFixed(2)} (goal <= 1.25)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
