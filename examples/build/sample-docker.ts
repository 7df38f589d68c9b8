// Brings a bundle's services up with the plain docker CLI, the way a reproduction would, for the
// two places that must not depend on the workbench's own environment code: recording the
// sample's traffic, and the sample's reproduction test (which checks that code's input).
// Everything created carries one label and is removed by stop().
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BundleManifest, ServiceSpec } from '../../shared/bundle/manifest';
import { writeImageArchive } from './image-archive';
import { paymentFixtures } from './sample-fixtures';
import { paymentsStandInSpec } from './sample-images';
import { PAYMENTS_HOST } from './sample-story';

const execFileAsync = promisify(execFile);

export async function docker(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync('docker', args, { maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args[0]} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}

/** `docker <args>` with a file on stdin (used to unpack a snapshot tar into a volume). */
function dockerWithStdin(args: string[], file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args[0]} exited ${code}: ${stderr.trim()}`))));
    createReadStream(file).on('error', reject).pipe(child.stdin);
  });
}

async function imageExists(ref: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
    return true;
  } catch {
    return false;
  }
}

export interface SampleEnvironmentOptions {
  bundleDir: string;
  manifest: BundleManifest;
  /** Secret values by name; passed to docker through its environment, never on a command line. */
  secrets: Record<string, string>;
  /** Per-service env overrides (e.g. turning the feature flag off). */
  envOverrides?: Record<string, Record<string, string>>;
  /** Serve the payments API from fixtures/payments.har inside the network (default true). */
  paymentsStandIn?: boolean;
  healthTimeoutMs?: number;
}

export interface SampleEnvironment {
  runId: string;
  label: string;
  /** `http://127.0.0.1:<port>` of each service's published ingress port. */
  ingress: Record<string, string>;
  stop(): Promise<void>;
}

function startOrder(services: ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: ServiceSpec[] = [];
  const visit = (s: ServiceSpec, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`dependency cycle: ${[...path, s.name].join(' -> ')}`);
    for (const dep of s.dependsOn ?? []) {
      const d = byName.get(dep);
      if (!d) throw new Error(`service ${s.name} depends on unknown service ${dep}`);
      visit(d, [...path, s.name]);
    }
    done.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}

async function waitHealthy(container: string, service: ServiceSpec, timeoutMs: number): Promise<void> {
  const hc = service.healthcheck;
  if (!hc) return;
  const deadline = Date.now() + (hc.timeoutMs ?? timeoutMs);
  const argv = 'http' in hc
    ? ['exec', container, 'wget', '-q', '-Y', 'off', '-O', '/dev/null', `http://127.0.0.1:${hc.http.port}${hc.http.path}`]
    : ['exec', container, ...hc.cmd];
  let last = '';
  while (Date.now() < deadline) {
    try {
      await docker(argv);
      return;
    } catch (err) {
      last = (err as Error).message;
      await new Promise((r) => setTimeout(r, hc.intervalMs ?? 250));
    }
  }
  throw new Error(`service ${service.name} not healthy within ${hc.timeoutMs ?? timeoutMs} ms: ${last}`);
}

export async function startSampleEnvironment(opts: SampleEnvironmentOptions): Promise<SampleEnvironment> {
  const runId = randomBytes(5).toString('hex');
  const label = `repro.sample.run=${runId}`;
  const prefix = `repro-sample-${runId}`;
  const loadedByUs: string[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'repro-sample-'));

  const stop = async () => {
    const ids = await docker(['ps', '-aq', '--filter', `label=${label}`]).catch(() => '');
    if (ids) await docker(['rm', '-f', '-v', ...ids.split('\n')]).catch(() => '');
    await docker(['network', 'rm', prefix]).catch(() => '');
    const vols = await docker(['volume', 'ls', '-q', '--filter', `label=${label}`]).catch(() => '');
    if (vols) await docker(['volume', 'rm', '-f', ...vols.split('\n')]).catch(() => '');
    // Only images this run loaded; an image someone else had loaded stays.
    for (const ref of loadedByUs) await docker(['rmi', ref]).catch(() => '');
    await rm(workDir, { recursive: true, force: true });
  };

  const load = async (archive: string, ref: string, expectedId?: string) => {
    const existed = await imageExists(ref);
    await docker(['load', '-i', archive]);
    if (!existed) loadedByUs.push(ref);
    const id = await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
    if (expectedId && id !== expectedId) throw new Error(`image ${ref}: loaded id ${id} does not match the manifest's ${expectedId}`);
  };

  try {
    await docker(['network', 'create', '--label', label, prefix]);
    const ingress: Record<string, string> = {};

    if (opts.paymentsStandIn ?? true) {
      const ref = `repro-sample/payments-fixtures:${runId}`;
      const archive = join(workDir, 'payments.tar');
      await writeImageArchive(archive, paymentsStandInSpec(paymentFixtures(), ref));
      await load(archive, ref);
      await docker(['run', '-d', '--label', label, '--name', `${prefix}-payments`, '--network', prefix, '--network-alias', PAYMENTS_HOST, ref]);
    }

    for (const service of startOrder(opts.manifest.services)) {
      const ref = service.image.ref;
      if (!service.image.archive) throw new Error(`service ${service.name} has no image archive`);
      await load(join(opts.bundleDir, service.image.archive), ref, service.image.id);

      const args = ['run', '-d', '--label', label, '--name', `${prefix}-${service.name}`, '--network', prefix, '--network-alias', service.name];
      for (const [i, volume] of (service.volumes ?? []).entries()) {
        const name = `${prefix}-${service.name}-${i}`;
        await docker(['volume', 'create', '--label', label, name]);
        if (volume.snapshot) {
          await dockerWithStdin(
            ['run', '--rm', '-i', '--label', label, '-v', `${name}:/snapshot`, '--entrypoint', '/bin/tar', ref, '-x', '-C', '/snapshot'],
            join(opts.bundleDir, volume.snapshot),
          );
        }
        args.push('-v', `${name}:${volume.target}${volume.readOnly ? ':ro' : ''}`);
      }
      const env = { ...(service.env ?? {}), ...(opts.envOverrides?.[service.name] ?? {}) };
      for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
      const childEnv: NodeJS.ProcessEnv = { ...process.env };
      for (const secret of service.secrets ?? []) {
        const value = opts.secrets[secret.name];
        if (value === undefined) {
          if (secret.required ?? true) throw new Error(`service ${service.name} needs secret ${secret.name}`);
          continue;
        }
        childEnv[secret.name] = value;
        args.push('-e', secret.name);
      }
      const ingressPort = service.ports?.find((p) => p.ingress)?.container;
      if (ingressPort) args.push('-p', `127.0.0.1::${ingressPort}`);
      if (service.resources?.memoryMb) args.push('--memory', `${service.resources.memoryMb}m`);
      if (service.resources?.cpus) args.push('--cpus', String(service.resources.cpus));
      if (service.workingDir) args.push('--workdir', service.workingDir);
      const [entry, ...entryArgs] = service.entrypoint ?? [];
      if (entry) args.push('--entrypoint', entry);
      args.push(ref, ...entryArgs, ...(service.command ?? []));
      const container = `${prefix}-${service.name}`;
      await docker(args, childEnv);
      await waitHealthy(container, service, opts.healthTimeoutMs ?? 30_000);
      if (ingressPort) {
        const published = (await docker(['port', container, `${ingressPort}/tcp`])).split('\n')[0] ?? '';
        ingress[service.name] = `http://${published.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}`;
      }
    }
    return { runId, label, ingress, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
