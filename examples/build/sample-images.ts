// The sample's container images: busybox base layer + one small app layer each. Busybox httpd
// serves the CGI scripts under examples/build/sample/<service>/cgi-bin/.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxLayer, busyboxPath } from './busybox-layer';
import type { ImageArchiveSpec, LayerEntry, LayerSpec } from './image-archive';
import type { PaymentFixture } from './sample-fixtures';
import { SAMPLE_SOURCE_DIR } from './sample-story';

export interface SampleServiceImage {
  name: 'checkout' | 'pricing';
  port: number;
  spec: ImageArchiveSpec;
}

const PATH_ENV = 'PATH=/bin:/usr/bin';

function cgiLayer(service: string): LayerSpec {
  const dir = join(SAMPLE_SOURCE_DIR, service, 'cgi-bin');
  const files: LayerEntry[] = [{ path: 'www/index.html', mode: 0o644, content: `${service}\n` }];
  for (const name of readdirSync(dir).sort()) {
    files.push({ path: `www/cgi-bin/${name}`, mode: 0o755, content: readFileSync(join(dir, name)) });
  }
  return { files };
}

export const BUSYBOX_LABEL = 'org.repro.sample.busybox.sha256';

export function busyboxDigest(path = busyboxPath()): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function sampleServiceImages(base: LayerSpec = busyboxLayer(), busyboxSha = busyboxDigest()): SampleServiceImage[] {
  const image = (name: 'checkout' | 'pricing', port: number, extra: LayerEntry[] = []): SampleServiceImage => {
    const app = cgiLayer(name);
    app.files.push(...extra);
    return {
      name,
      port,
      spec: {
        repoTag: `shop/${name}:2.14.0`,
        layers: [base, app],
        config: {
          Entrypoint: ['/bin/httpd'],
          Cmd: ['-f', '-p', String(port), '-h', '/www'],
          Env: [PATH_ENV],
          WorkingDir: '/',
          ExposedPorts: [`${port}/tcp`],
          Labels: {
            'org.opencontainers.image.source': `https://git.example.com/shop/${name}`,
            'org.opencontainers.image.version': '2.14.0',
            // Which busybox the base layer holds: a rebuild with another one changes every image byte.
            [BUSYBOX_LABEL]: busyboxSha,
          },
        },
      },
    };
  };
  return [image('checkout', 8080), image('pricing', 9000, [{ path: 'data', mode: 0o755, type: 'dir' }])];
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A stand-in for the external payments API that answers exactly what fixtures/payments.har
 * recorded (matched on method and path). Used only where the workbench's own fixtures stub is
 * not running: when recording the sample's traffic and in the sample's own reproduction test.
 * busybox httpd runs CGI only under /cgi-bin/, so this one is a tiny `nc -ll -e` server.
 */
export function paymentsStandInSpec(fixtures: PaymentFixture[], repoTag: string, base: LayerSpec = busyboxLayer()): ImageArchiveSpec {
  const cases = fixtures
    .map((f) => `  ${shellQuote(`${f.method} ${f.path}`)}) status=${shellQuote(`${f.status} ${f.statusText}`)}; body=${shellQuote(f.responseBody)} ;;`)
    .join('\n');
  const serve = `#!/bin/sh
# One HTTP exchange on stdin/stdout, answered from the recorded fixtures.
cr=$(printf '\\r')
read -r method target proto
length=0
while read -r line; do
  line=\${line%"$cr"}
  [ -z "$line" ] && break
  case "$line" in [Cc]ontent-[Ll]ength:*) length=\${line#*:}; length=\${length# } ;; esac
done
# Read exactly the request body (byte by byte: a buffered read would wait for more).
[ "$length" -gt 0 ] 2>/dev/null && dd bs=1 count="$length" >/dev/null 2>&1
case "$method $target" in
${cases}
  *) status='404 Not Found'; body='{"error":"no recorded fixture for this request"}' ;;
esac
printf 'HTTP/1.1 %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' "$status" "\${#body}" "$body"
`;
  return {
    repoTag,
    layers: [base, { files: [{ path: 'stub/serve', mode: 0o755, content: serve }] }],
    config: { Entrypoint: ['/bin/nc', '-ll', '-p', '80', '-e', '/stub/serve'], Env: [PATH_ENV], ExposedPorts: ['80/tcp'] },
  };
}
