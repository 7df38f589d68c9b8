// A base layer made from the machine's static busybox: one 2 MB binary gives the sample a
// shell, an HTTP server with CGI and an HTTP client, so its images need no registry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { LayerEntry, LayerSpec } from './image-archive';

/** Where the static busybox comes from: $BUSYBOX, else Debian's busybox-static location. */
export function busyboxPath(): string {
  const path = process.env.BUSYBOX ?? '/bin/busybox';
  if (!existsSync(path)) {
    throw new Error(`static busybox not found at ${path} (install the busybox-static package or set BUSYBOX=/path/to/busybox)`);
  }
  return path;
}

/** The applets this busybox provides, sorted, so the layer's links do not depend on listing order. */
export function busyboxApplets(path = busyboxPath()): string[] {
  const out = execFileSync(path, ['--list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^[\w.[\]-]+$/.test(s) && s !== 'busybox')
    .sort();
}

/**
 * Root filesystem with /bin/busybox, a /bin/<applet> link for every applet, /tmp and the
 * minimal /etc a shell and httpd expect. Same busybox binary in, same bytes out.
 */
export function busyboxLayer(path = busyboxPath()): LayerSpec {
  const files: LayerEntry[] = [
    { path: 'bin/busybox', mode: 0o755, content: readFileSync(path) },
    { path: 'etc', mode: 0o755, type: 'dir' },
    { path: 'etc/passwd', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { path: 'etc/group', mode: 0o644, content: 'root:x:0:\nnogroup:x:65534:\n' },
    { path: 'root', mode: 0o700, type: 'dir' },
    { path: 'tmp', mode: 0o1777, type: 'dir' },
    { path: 'usr/bin', mode: 0o755, type: 'dir' },
  ];
  for (const applet of busyboxApplets(path)) {
    files.push({ path: `bin/${applet}`, type: 'symlink', target: 'busybox' });
  }
  return { files };
}
