// A small real compose project for the capture tests (and the e2e test and the bench): two
// busybox images built here without a registry (docker-save archives loaded into the engine),
// started by Debian's docker-compose with data in a named volume and secrets in the env.
//
//   web      httpd + CGI on 8080, published on loopback; healthcheck wget of /cgi-bin/health;
//            env PAYMENT_KEY (secret by name), DATABASE_URL (secret by value: user:password),
//            PRICING_URL (-> dependsOn pricing), LOG_LEVEL; named volume at /data
//   pricing  httpd + CGI on 9000, no published port, no healthcheck; anonymous volume at /cache
//
// Everything carries the run's own names: images are tagged repro-capture-it/<svc>:<run> and hold a
// file with the run id (so their ids are this run's alone), the project is repro-cap-<run>.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { busyboxLayer } from '../../../examples/build/busybox-layer';
import { buildImageArchive, type LayerEntry, type LayerSpec } from '../../../examples/build/image-archive';

const run = promisify(execFile);

export async function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { maxBuffer: 64 << 20, ...opts });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}

function dockerLoad(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['load'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker load exited ${code}: ${stderr}`))));
    child.stdin.end(bytes);
  });
}

const REPLY = `reply() { printf 'HTTP/1.1 %s\\r\\nContent-Type: application/json\\r\\nConnection: close\\r\\n\\r\\n%s\\n' "$1" "$2"; exit 0; }`;

const WEB_CGI: Record<string, string> = {
  // Ready only with its secrets present (their values are never printed).
  health: `#!/bin/sh\n${REPLY}\n[ -n "\${PAYMENT_KEY:-}" ] && [ -n "\${DATABASE_URL:-}" ] || reply '503 Service Unavailable' '{"status":"secrets missing"}'\nreply '200 OK' '{"status":"ok"}'\n`,
  // The orders written into the volume, and when they were served (noise).
  orders: `#!/bin/sh\n${REPLY}\n[ -n "\${PAYMENT_KEY:-}" ] || reply '500 Internal Server Error' '{"error":"no payment key"}'\nreply '200 OK' "{\\"orders\\":$(cat /data/orders.json),\\"servedAt\\":\\"$(date -u +%Y-%m-%dT%H:%M:%S.$$Z)\\"}"\n`,
  // A price from the pricing service, over the compose network.
  price: `#!/bin/sh\n${REPLY}\nsku=$(printf '%s' "\${QUERY_STRING:-}" | sed -n 's/.*sku=\\([A-Za-z0-9]*\\).*/\\1/p')\np=$(timeout 10 wget -q -Y off -O - "\${PRICING_URL}/cgi-bin/price?sku=$sku" 2>/dev/null) || reply '502 Bad Gateway' '{"error":"pricing"}'\nreply '200 OK' "$p"\n`,
  // A gzip body (kept as recorded by record-traffic, decoded by replay to compare).
  report: `#!/bin/sh\nprintf 'HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Encoding: gzip\\r\\nConnection: close\\r\\n\\r\\n'\nprintf '{"report":"daily","orders":%s}' "$(cat /data/orders.json)" | gzip -c\n`,
  // A POST with a JSON body, echoed into the answer.
  quote: `#!/bin/sh\n${REPLY}\nbody=$(head -c "\${CONTENT_LENGTH:-0}")\nreply '200 OK' "{\\"quote\\":$body,\\"total\\":\\"25.00\\"}"\n`,
};
const PRICING_CGI: Record<string, string> = {
  price: `#!/bin/sh\n${REPLY}\nsku=$(printf '%s' "\${QUERY_STRING:-}" | sed -n 's/.*sku=\\([A-Za-z0-9]*\\).*/\\1/p')\nreply '200 OK' "{\\"sku\\":\\"$sku\\",\\"price\\":\\"12.50\\"}"\n`,
};

function appLayer(cgi: Record<string, string>, runId: string): LayerSpec {
  const files: LayerEntry[] = [
    { path: 'www/index.html', mode: 0o644, content: 'ok\n' },
    // Makes this run's image ids its own, so cleaning up never touches another run's images.
    { path: 'etc/repro-test-run', mode: 0o644, content: `${runId}\n` },
    { path: 'data', mode: 0o755, type: 'dir' },
    { path: 'cache', mode: 0o755, type: 'dir' },
  ];
  for (const [name, body] of Object.entries(cgi)) files.push({ path: `www/cgi-bin/${name}`, mode: 0o755, content: body });
  return { files };
}

export interface ComposeApp {
  project: string;
  dir: string;
  images: { web: string; pricing: string };
  imageIds: string[];
  secrets: { PAYMENT_KEY: string; DATABASE_URL: string; dbPassword: string };
  /** Published loopback URL of web's 8080. */
  webUrl: string;
  webContainer: string;
  down(): Promise<void>;
  /** Remove the images this app built (by tag and id). */
  removeImages(): Promise<void>;
}

export interface ComposeAppOptions {
  /** Extra bytes in web's image (a bench wants a sizeable save). */
  webPaddingBytes?: number;
  /** Extra bytes written into web's volume. */
  volumePaddingBytes?: number;
  /**
   * Services on Docker's default bridge instead of a project network (web cannot reach pricing
   * then). A browser test wants this: creating or removing a network gives the host a new
   * address, and Chromium fails requests in flight with ERR_NETWORK_CHANGED.
   */
  defaultBridge?: boolean;
}

export async function startComposeApp(opts: ComposeAppOptions = {}): Promise<ComposeApp> {
  const runId = randomBytes(4).toString('hex');
  const project = `repro-cap-${runId}`;
  const dir = mkdtempSync(join(tmpdir(), 'repro-cap-app-'));
  const base = busyboxLayer();
  const webLayer = appLayer(WEB_CGI, runId);
  if (opts.webPaddingBytes) webLayer.files.push({ path: 'opt/padding.bin', mode: 0o644, content: randomBytes(opts.webPaddingBytes) });
  const images = { web: `repro-capture-it/web:${runId}`, pricing: `repro-capture-it/pricing:${runId}` };
  const specs = [
    { tag: images.web, layer: webLayer, port: 8080 },
    { tag: images.pricing, layer: appLayer(PRICING_CGI, runId), port: 9000 },
  ];
  const imageIds: string[] = [];
  for (const s of specs) {
    const archive = buildImageArchive({
      repoTag: s.tag,
      layers: [base, s.layer],
      config: {
        Entrypoint: ['/bin/httpd'],
        Cmd: ['-f', '-p', String(s.port), '-h', '/www'],
        Env: ['PATH=/bin:/usr/bin'],
        WorkingDir: '/',
        ExposedPorts: [`${s.port}/tcp`],
        Labels: { 'org.opencontainers.image.source': 'https://git.example.com/shop/app', 'org.opencontainers.image.revision': `rev-${runId}` },
      },
    });
    await dockerLoad(archive.bytes);
    imageIds.push(archive.id);
  }
  const dbPassword = `pw${randomBytes(6).toString('hex')}`;
  const secrets = { PAYMENT_KEY: `pk_live_${randomBytes(12).toString('hex')}`, DATABASE_URL: `postgres://app:${dbPassword}@db.internal:5432/shop`, dbPassword };
  writeFileSync(
    join(dir, 'docker-compose.yml'),
    `version: "2.4"
services:
  web:
    image: ${images.web}
    environment:
      PAYMENT_KEY: "${secrets.PAYMENT_KEY}"
      DATABASE_URL: "${secrets.DATABASE_URL}"
      PRICING_URL: "http://pricing:9000"
      LOG_LEVEL: "info"
    ports: ["127.0.0.1::8080"]
    volumes: ["orders:/data"]
    depends_on: [pricing]${opts.defaultBridge ? '\n    network_mode: bridge' : ''}
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost:8080/cgi-bin/health"]
      interval: 1s
      retries: 30
  pricing:
    image: ${images.pricing}
    volumes: ["/cache"]${opts.defaultBridge ? '\n    network_mode: bridge' : ''}
volumes:
  orders: {}
`,
  );
  const compose = (...args: string[]) => sh('docker-compose', ['-p', project, '-f', join(dir, 'docker-compose.yml'), ...args], { cwd: dir });
  const app: ComposeApp = {
    project,
    dir,
    images,
    imageIds,
    secrets,
    webUrl: '',
    webContainer: `${project}_web_1`,
    down: async () => {
      await compose('down', '-v', '--remove-orphans').catch(() => undefined);
    },
    removeImages: async () => {
      for (const ref of [...Object.values(images), ...imageIds]) await sh('docker', ['rmi', '-f', ref]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await compose('up', '-d');
    // Data written at run time, not baked into the image: the snapshot must carry it.
    const padding = opts.volumePaddingBytes ? ` && head -c ${opts.volumePaddingBytes} /dev/urandom > /data/padding.bin` : '';
    await sh('docker', ['exec', app.webContainer, 'sh', '-c', `printf '[{"id":1,"sku":"A1"},{"id":2,"sku":"B7"}]' > /data/orders.json && echo warm > /cache/x 2>/dev/null; true${padding}`]);
    await sh('docker', ['exec', `${project}_pricing_1`, 'sh', '-c', 'echo warm > /cache/state']);
    for (let i = 0; ; i++) {
      const health = await sh('docker', ['inspect', '-f', '{{.State.Health.Status}}', app.webContainer]);
      if (health === 'healthy') break;
      if (i > 120) throw new Error(`web never became healthy (${health})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const port = await sh('docker', ['inspect', '-f', '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}', app.webContainer]);
    app.webUrl = `http://127.0.0.1:${port}`;
    return app;
  } catch (err) {
    await app.down();
    await app.removeImages();
    throw err;
  }
}
