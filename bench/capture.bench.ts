/**
 * `repro capture` of a compose project (images already present) vs the same copies done by hand
 * with the docker CLI, measured side by side in the same run. Goal: at most 1.3x.
 *
 * The environment: the capture tests' two-service compose project (test/integration/capture/
 * compose-app.ts) with web's image padded to --image-mib of incompressible bytes and its volume
 * holding --volume-mib more, so the copies, not the start-up, are what is timed.
 * Baseline: `docker save <id> -o file` of each image id and `docker cp <container>:<path>/. - > file`
 * of each volume, one after the other, each a fresh docker process (what an engineer would type).
 * Measured: `repro capture --project P -o DIR` as a cold separate process from the build, the way
 * users run it (bench/lib/harness.ts); second column: the same command in-process through the
 * CLI's main (no process start). The capture does more than the copies: describe, digests and
 * the credential scan of every byte on the way to disk, manifest, and a full verification.
 * Rounds alternate which side goes first; medians are compared.
 *
 *   npx tsx bench/capture.bench.ts [--image-mib 256] [--volume-mib 128] [--rounds 5] [--json]
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../electron/cli/main';
import { alternate, emit, ensureBuilt, log, median, repro, row } from './lib/harness';
import { sh, startComposeApp } from '../test/integration/capture/compose-app';

const { values } = parseArgs({
  options: { 'image-mib': { type: 'string', default: '256' }, 'volume-mib': { type: 'string', default: '128' }, rounds: { type: 'string', default: '5' }, json: { type: 'boolean' } },
});
const imageMib = Number(values['image-mib']);
const volumeMib = Number(values['volume-mib']);
const rounds = Number(values.rounds);
ensureBuilt();

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdoutFile?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', opts.stdoutFile ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const out = opts.stdoutFile ? createWriteStream(opts.stdoutFile) : undefined;
    if (out) child.stdout!.pipe(out);
    child.on('error', reject);
    child.on('close', (code) => {
      const done = () => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} exited ${code}: ${err.slice(-2000)}`)));
      if (out) out.close(done);
      else done();
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'repro-bench-capture-'));
const home = join(work, 'home');
log(`starting a compose project with a ${imageMib} MiB image and ${volumeMib} MiB in a volume …`);
const app = await startComposeApp({ webPaddingBytes: imageMib * 1024 * 1024, volumePaddingBytes: volumeMib * 1024 * 1024 });
try {
  const containers = { web: app.webContainer, pricing: `${app.project}_pricing_1` };
  const volumes = [
    { container: containers.web, path: '/data' },
    { container: containers.pricing, path: '/cache' },
  ];
  let n = 0;

  const baseline = async (): Promise<number> => {
    const dir = join(work, `plain-${n++}`);
    await sh('mkdir', ['-p', dir]);
    const t0 = performance.now();
    for (const [i, id] of app.imageIds.entries()) await run('docker', ['save', id, '-o', join(dir, `image-${i}.tar`)]);
    for (const [i, v] of volumes.entries()) await run('docker', ['cp', `${v.container}:${v.path}/.`, '-'], { stdoutFile: join(dir, `volume-${i}.tar`) });
    const ms = performance.now() - t0;
    rmSync(dir, { recursive: true, force: true });
    return ms;
  };

  const cold = async (): Promise<number> => {
    const out = join(work, `bundle-${n++}`);
    const sample = await repro(['capture', '--project', app.project, '-o', out, '--json'], { env: { ...process.env, REPRO_HOME: home } });
    rmSync(out, { recursive: true, force: true });
    return sample.wallMs;
  };

  const inProcess = async (): Promise<number> => {
    const out = join(work, `bundle-${n++}`);
    let text = '';
    const t0 = performance.now();
    const code = await main(['capture', '--project', app.project, '-o', out, '--json'], {
      stdout: (t) => void (text += t),
      stderr: () => {},
      env: { ...process.env, REPRO_HOME: home },
      cwd: work,
      isTTY: false,
    });
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`repro capture failed: ${text}`);
    rmSync(out, { recursive: true, force: true });
    return ms;
  };

  // One unmeasured round of each warms the page cache and the engine's layer store.
  await baseline();
  await inProcess();
  await cold();
  const got = await alternate(rounds, { base: baseline, cli: cold, inproc: inProcess }, (r, g) =>
    log(`round ${r + 1}: docker save + cp ${g.base.toFixed(0)} ms · repro capture (cold) ${g.cli.toFixed(0)} ms · in-process ${g.inproc.toFixed(0)} ms · load ${loadavg()[0]!.toFixed(1)}`),
  );
  const [base, cli, inproc] = [got.base, got.cli, got.inproc];
  const baselineMs = median(base);
  emit(
    [
      row({
        id: 'capture',
        what: `capture of a compose project (${imageMib} MiB image, ${volumeMib} MiB volume, images present) vs docker save + docker cp of the same, cold processes`,
        unit: 'ms',
        better: 'lower',
        ours: { command: 'repro capture --project P -o DIR', value: median(cli) },
        baseline: { command: 'docker save <ids> + docker cp <volumes>', value: baselineMs },
        inProcess: median(inproc),
        goal: 1.3,
        rounds,
        // other work on the machine skews both sides, ours more
        note: `1-minute load average at the end ${loadavg()[0]!.toFixed(1)}`,
      }),
    ],
    values.json,
  );
} finally {
  await app.down();
  await app.removeImages();
  rmSync(work, { recursive: true, force: true });
}
