/**
 * A second Docker engine, started here on a TLS TCP socket with its own data root, exec root,
 * pid file and unix socket in a temp dir, no iptables, and as its default bridge an interface
 * this test makes (it must not touch the machine's engine or firewall). Not `--bridge=none`:
 * dockerd then deletes the host's docker0 interface at start (removeDefaultBridgeInterface in
 * daemon_unix.go), which breaks the machine's own engine for every container on the default
 * bridge. The workbench reaches it as the docker CLI would:
 * through DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, and through a docker context
 * made by the docker CLI itself; without a client certificate it is refused. Images reach it
 * through the API (no shared filesystem), as a session's would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, engineStatus } from '../../../electron/services/docker-engine';
import { resolveEngine } from '../../../electron/services/engine-endpoint';
import { ensureImage, imageExists } from '../../../electron/services/environments/images';
import { freePort } from '../../../electron/services/environments/host-address';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { sampleBundle } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'repro-dockerd-'));
const certs = join(dir, 'certs');
const client = join(dir, 'client');
let port = 0;
/** The second engine's default bridge: made and removed here (15 characters at most). */
const bridge = `repro-it-${process.pid.toString(36).slice(-5)}`;
let dockerd: ChildProcess | undefined;
const dockerdLog: string[] = [];

function openssl(args: string[]) {
  execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as docs.docker.com's "protect the daemon socket" makes them. */
function makeCertificates() {
  mkdirSync(certs, { recursive: true });
  mkdirSync(client, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=repro-it-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem']);
  writeFileSync(join(certs, 'server.ext'), 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'server.ext', '-out', 'server-cert.pem']);
  writeFileSync(join(certs, 'client.ext'), 'extendedKeyUsage = clientAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=repro-it-client', '-keyout', 'key.pem', '-out', 'client.csr']);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'cert.pem']);
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(client, f), readFileSync(join(certs, f)));
}

const tlsEnv = () => ({ HOME: dir, DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: client });

describe('a second engine on a TLS socket', () => {
  beforeAll(async () => {
    makeCertificates();
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge'], { stdio: 'pipe' });
    execFileSync('ip', ['addr', 'add', '10.213.77.1/24', 'dev', bridge], { stdio: 'pipe' });
    port = await freePort('127.0.0.1');
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const child = spawn(
      'dockerd',
      [
        '--config-file', join(dir, 'daemon.json'),
        '--data-root', join(dir, 'data'),
        '--exec-root', join(dir, 'exec'),
        '--pidfile', join(dir, 'dockerd.pid'),
        '-H', `unix://${join(dir, 'docker.sock')}`,
        '-H', `tcp://127.0.0.1:${port}`,
        '--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'server-cert.pem'), '--tlskey', join(certs, 'server-key.pem'),
        '--iptables=false', '--ip6tables=false', `--bridge=${bridge}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    dockerd = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        dockerdLog.push(chunk.toString());
        if (/Daemon has completed initialization/.test(dockerdLog.join(''))) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`dockerd exited with ${code}:\n${dockerdLog.join('').slice(-3000)}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (dockerd && dockerd.exitCode === null) {
      const exited = new Promise((r) => dockerd!.once('exit', r));
      dockerd.kill('SIGTERM');
      await exited;
    }
    execFileSync('ip', ['link', 'del', bridge], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("leaves the machine's own engine alone (its docker0 bridge is still there)", () => {
    expect(() => execFileSync('ip', ['link', 'show', 'docker0'], { stdio: 'pipe' })).not.toThrow();
  });

  it('is reached through DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const env = tlsEnv();
    expect(resolveEngine(env)).toMatchObject({ endpoint: `tcp://127.0.0.1:${port}`, source: 'DOCKER_HOST', tls: { verify: true } });
    const info = (await createDockerClient(env).info()) as { DockerRootDir: string };
    expect(info.DockerRootDir).toBe(join(dir, 'data'));
    expect(await engineStatus(createDockerClient(env), 5000, env)).toMatchObject({ reachable: true, endpoint: `tcp://127.0.0.1:${port}` });
  });

  it('refuses a client without a certificate', async () => {
    const bare = new Docker({ protocol: 'https', host: '127.0.0.1', port, ca: readFileSync(join(client, 'ca.pem')) });
    await expect(bare.info()).rejects.toThrow();
  });

  it("is reached through the docker CLI's current context, read from its context store", async () => {
    const config = join(dir, 'docker-config');
    const cli = (args: string[]) => execFileSync('docker', ['--config', config, ...args], { stdio: 'pipe', env: { PATH: process.env.PATH!, HOME: dir } });
    cli(['context', 'create', 'repro-it-remote', '--docker', `host=tcp://127.0.0.1:${port},ca=${join(client, 'ca.pem')},cert=${join(client, 'cert.pem')},key=${join(client, 'key.pem')}`]);
    cli(['context', 'use', 'repro-it-remote']);
    const env = { HOME: dir, DOCKER_CONFIG: config };
    expect(resolveEngine(env)).toMatchObject({ endpoint: `tcp://127.0.0.1:${port}`, source: 'context repro-it-remote', tls: { verify: true } });
    const info = (await createDockerClient(env).info()) as { DockerRootDir: string };
    expect(info.DockerRootDir).toBe(join(dir, 'data'));
    // a context that is not in the store is a clear error, not the default engine
    expect(() => resolveEngine({ HOME: dir, DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nosuch' })).toThrow(/Docker context "nosuch" is not in the docker CLI's context store/);
  });

  it('gets a bundle image through the API (no shared filesystem)', async () => {
    const remote = createDockerClient(tlsEnv());
    const manifest = bundleManifestSchema.parse(JSON.parse(readFileSync(join(sampleBundle, 'bundle.json'), 'utf8')));
    const pricing = manifest.services.find((s) => s.name === 'pricing')!;
    expect(await imageExists(remote, pricing.image.id)).toBe(false);
    await ensureImage(remote, pricing, sampleBundle);
    expect(await imageExists(remote, pricing.image.id)).toBe(true);
  });
});
