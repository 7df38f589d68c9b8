/**
 * Bundles and images the benchmarks make for themselves (no registry: images are built from
 * files on this machine), always labelled `repro.bench` so nothing else is ever touched.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { BundleManifest, ServiceSpec } from '../../shared/bundle/manifest';
import { log } from './harness';

const run = promisify(execFile);
export const docker = async (...args: string[]) => (await run('docker', args, { maxBuffer: 64 << 20 })).stdout.trim();

/**
 * An image holding this machine's `node` and the libraries it links (FROM scratch), whose
 * entrypoint is node: a service's `command` gives it a script. Built once per Node version.
 */
export async function nodeImage(): Promise<{ ref: string; id: string }> {
  const ref = `repro-bench/node:${process.versions.node}`;
  try {
    return { ref, id: await docker('image', 'inspect', '--format', '{{.Id}}', ref) };
  } catch {
    // not built yet
  }
  log(`building ${ref} (this machine's node binary, FROM scratch) …`);
  const ctx = mkdtempSync(join(tmpdir(), 'repro-bench-node-image-'));
  try {
    const nodeBin = realpathSync(process.execPath);
    const files = [nodeBin];
    const ldd = spawnSync('ldd', [nodeBin], { encoding: 'utf8' }).stdout;
    for (const m of ldd.matchAll(/(\/\S+) \(0x/g)) files.push(m[1]!);
    for (const f of files) {
      const target = join(ctx, 'rootfs', f === nodeBin ? '/usr/bin/node' : f);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(realpathSync(f), target);
    }
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/bin/node"]\nLABEL repro.bench=node-image\n');
    await run('docker', ['build', '-q', '-t', ref, ctx], { maxBuffer: 16 << 20 });
    return { ref, id: await docker('image', 'inspect', '--format', '{{.Id}}', ref) };
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Writes a bundle folder: bundle.json (its files list computed) and the given files. */
export function writeBundle(dir: string, manifest: Omit<BundleManifest, 'files' | 'schema' | 'createdAt' | 'createdBy' | 'provenance'> & Partial<BundleManifest>, files: Record<string, string | Buffer>): string {
  mkdirSync(dir, { recursive: true });
  const listed: BundleManifest['files'] = [];
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    const bytes = readFileSync(join(dir, path));
    listed.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }
  const full: BundleManifest = {
    schema: 'repro.bundle/v1',
    provenance: { source: { repo: 'bench', commit: '0000000' } },
    createdAt: '2026-11-20T15:00:00Z',
    createdBy: 'bench',
    ...manifest,
    files: listed,
  } as BundleManifest;
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(full, null, 2) + '\n');
  return dir;
}

export type { ServiceSpec };
