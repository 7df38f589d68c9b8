// Builds small real bundles (busybox images written as docker-save archives) for the failure
// cases the sample cannot show: a service that exits, a healthcheck that never passes.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxLayer } from '../../../examples/build/busybox-layer';
import { buildImageArchive, buildLayerTar, type LayerSpec } from '../../../examples/build/image-archive';
import type { BundleManifest, ServiceSpec } from '../../../shared/bundle/manifest';

let base: LayerSpec | undefined;

export interface TinyService {
  name: string;
  files?: Record<string, string>;
  spec?: Partial<Omit<ServiceSpec, 'name' | 'image'>>;
  /** Where the snapshot (a tar of `snapshotFiles`) is unpacked; needs snapshotFiles. */
  snapshotTarget?: string;
  snapshotFiles?: Record<string, string>;
}

/** Writes a folder bundle with every file listed and digested; returns its path and manifest. */
export function writeTinyBundle(dir: string, incidentId: string, services: TinyService[]): { root: string; manifest: BundleManifest } {
  base ??= busyboxLayer();
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'snapshots'), { recursive: true });
  const files: BundleManifest['files'] = [];
  const list = (rel: string) => {
    const bytes = readFileSync(join(dir, rel));
    files.push({ path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  };
  const specs: ServiceSpec[] = services.map((s) => {
    const archive = buildImageArchive({
      repoTag: `repro-test/${s.name}:tiny`,
      layers: [base!, { files: Object.entries(s.files ?? { 'www/health': 'ok\n' }).map(([path, content]) => ({ path, mode: 0o644, content })) }],
      config: { Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '8080', '-h', '/www'], Env: ['PATH=/bin'], WorkingDir: '/' },
    });
    writeFileSync(join(dir, `images/${s.name}.tar`), archive.bytes);
    list(`images/${s.name}.tar`);
    const spec: ServiceSpec = { name: s.name, image: { ref: `repro-test/${s.name}:tiny`, id: archive.id, archive: `images/${s.name}.tar` }, ...s.spec };
    if (s.snapshotTarget && s.snapshotFiles) {
      const tarBytes = buildLayerTar({ files: Object.entries(s.snapshotFiles).map(([path, content]) => ({ path, mode: 0o644, content })) });
      writeFileSync(join(dir, `snapshots/${s.name}.tar`), tarBytes);
      list(`snapshots/${s.name}.tar`);
      spec.volumes = [{ snapshot: `snapshots/${s.name}.tar`, target: s.snapshotTarget }];
    }
    return spec;
  });
  const manifest: BundleManifest = {
    schema: 'repro.bundle/v1',
    incident: { id: incidentId, title: 'tiny test incident', severity: 'SEV4', startedAt: '2026-11-20T14:02:00Z' },
    provenance: { source: { repo: 'test/tiny', commit: '0000000' } },
    services: specs,
    files,
    createdAt: '2026-11-20T15:30:00Z',
    createdBy: 'test/integration/environments/tiny-bundle.ts',
  };
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { root: dir, manifest };
}
