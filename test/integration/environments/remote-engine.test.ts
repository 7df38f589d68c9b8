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
 *
 * Then a whole session on it through the CLI (`repro up`, `replay`, `status`, `down`), the
 * engine reached at the address of the test's bridge (10.213.77.1, an address of this machine
 * other than loopback): the ingress is published there, where the engine's machine is reached,
 * and the agent is reached at --advertise-host. With --iptables=false the engine cannot enforce
 * the internal network: the up says the session is NOT sealed. Another engine's workbench is
 * refused the session (it would find nothing there), and down leaves nothing on the engine.
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
import { LABEL_HOME } from '../../../electron/services/environments/labels';
import { main } from '../../../electron/cli/main';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'repro-dockerd-'));
const certs = join(dir, 'certs');
const client = join(dir, 'client');
let port = 0;
/** Second octet of the engine's addresses: two runs of this file at once (CI beside a developer) differ. */
const octet = 200 + (process.pid % 50);
/** The bridge's address on this machine: the engine is also reached there (not loopback). */
const bridgeAddr = `10.${octet}.77.1`;
/** Where the engine takes its networks' subnets from (--default-address-pool). */
const addressPool = `10.${octet}.128.0/17`;
/**
 * This machine's engine runs with iptables: it loads br_netfilter (bridged frames pass the
 * FORWARD chain) and sets FORWARD's policy to DROP, accepting only its own networks' traffic.
 * The second engine adds no rules (--iptables=false), so even two containers on one of its
 * networks could not talk. On a machine of its own (what this engine stands for) FORWARD
 * accepts; this rule restores that for the second engine's subnets only, and goes after.
 */
const forwardRule = ['FORWARD', '-s', addressPool, '-d', addressPool, '-m', 'comment', '--comment', `repro-it-${process.pid}`, '-j', 'ACCEPT'];
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
  writeFileSync(join(certs, 'server.ext'), `subjectAltName = IP:127.0.0.1, IP:${bridgeAddr}\nextendedKeyUsage = serverAuth\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'server.ext', '-out', 'server-cert.pem']);
  writeFileSync(join(certs, 'client.ext'), 'extendedKeyUsage = clientAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=repro-it-client', '-keyout', 'key.pem', '-out', 'client.csr']);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'cert.pem']);
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(client, f), readFileSync(join(certs, f)));
}

const tlsEnv = () => ({ HOME: dir, DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: client });

const home = tempHome();
const session = uniqueSession('remote');
/** The CLI's env for the session: the engine at the bridge's address, over TLS. */
const sessionEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, REPRO_HOME: home.home, REPRO_SECRET_PAYMENT_KEY: 'remote-secret' };
  for (const k of ['DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS']) delete env[k];
  return { ...env, DOCKER_HOST: `tcp://${bridgeAddr}:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: client };
};

/** `repro ARGS` in this process, as a user would run it: exit code, stdout and stderr. */
async function repro(args: string[], env: NodeJS.ProcessEnv = sessionEnv()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), env, cwd: process.cwd(), isTTY: false });
  return { code, out, err };
}

describe('a second engine on a TLS socket', () => {
  beforeAll(async () => {
    makeCertificates();
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge'], { stdio: 'pipe' });
    execFileSync('ip', ['addr', 'add', `${bridgeAddr}/24`, 'dev', bridge], { stdio: 'pipe' });
    port = await freePort('127.0.0.1');
    execFileSync('iptables', ['-w', '5', '-A', ...forwardRule], { stdio: 'pipe' });
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
        '-H', `tcp://${bridgeAddr}:${port}`,
        '--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'server-cert.pem'), '--tlskey', join(certs, 'server-key.pem'),
        '--iptables=false', '--ip6tables=false', `--bridge=${bridge}`,
        '--default-address-pool', `base=${addressPool},size=24`,
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
    if (port) {
      await repro(['down', session]).catch(() => undefined);
      await removeSessions(createDockerClient(sessionEnv()), [session]);
    }
    home.cleanup();
    if (dockerd && dockerd.exitCode === null) {
      const exited = new Promise((r) => dockerd!.once('exit', r));
      dockerd.kill('SIGTERM');
      await exited;
    }
    execFileSync('ip', ['link', 'del', bridge], { stdio: 'pipe' });
    execFileSync('iptables', ['-w', '5', '-D', ...forwardRule], { stdio: 'pipe' });
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
  describe('a whole session on it, through the CLI', () => {
    let up: {
      session: string;
      runtime: { kind: string; endpoint: string };
      services: Array<{ name: string; state: string; health: string; endpoints: Array<{ url: string }> }>;
      drift: unknown[];
      sandbox: { egress: string; verified: boolean; enforced?: boolean; notes: string[] };
    };

    it('repro up runs the sample there, its ingress where that engine publishes it, and says the seal does not hold', async () => {
      const r = await repro(['up', sampleBundle, '--session', session, '--advertise-host', bridgeAddr, '--json']);
      expect(r.code, r.err).toBe(0);
      up = JSON.parse(r.out);
      expect(up.runtime).toEqual({ kind: 'local', endpoint: `tcp://${bridgeAddr}:${port}` });
      expect(up.services.map((s) => [s.name, s.state, s.health]).sort()).toEqual([
        ['checkout', 'running', 'healthy'],
        ['pricing', 'running', 'healthy'],
      ]);
      expect(up.drift).toEqual([]);
      // the ingress: on the engine's machine as this machine reaches it (the endpoint's host), not loopback
      const ingress = up.services.find((s) => s.name === 'checkout')!.endpoints[0]!.url;
      expect(ingress).toMatch(new RegExp(`^http://${bridgeAddr.replace(/\./g, '\\.')}:\\d+$`));
      expect((await fetch(`${ingress}/cgi-bin/health`)).status).toBe(200);
      // --iptables=false: the engine made the network internal but no firewall enforces it
      expect(up.sandbox).toMatchObject({ egress: 'sealed', verified: false, enforced: false });
      expect(up.sandbox.notes[0]).toMatch(/^NOT SEALED: the engine made no firewall rules for the session network \(br-[0-9a-f]{12}\): it runs without iptables/);
      // everything is on that engine, nothing on the machine's own
      // (the two services, the gate, the fixtures forwarder; the session network; pricing's volume)
      expect(await labelledCount(createDockerClient(sessionEnv()), session)).toEqual({ containers: 4, networks: 1, volumes: 1 });
      expect(await labelledCount(createDockerClient(), session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    }, 180_000);

    it('repro replay matches as on the local runtime', async () => {
      const r = await repro(['replay', session, '--mode', 'max', '--json']);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ sent: 8, matched: 8, mismatched: 0, errors: 0 });
    }, 60_000);

    it('repro status shows it running there, NOT SEALED; another engine is refused the session', async () => {
      const status = await repro(['status']);
      expect(status.code, status.err).toBe(0);
      expect(status.out).toContain(`Engine: Docker`);
      expect(status.out).toContain(`tcp://${bridgeAddr}:${port}`);
      const json = JSON.parse((await repro(['status', '--json'])).out) as { sessions: Array<{ name: string; services: Array<{ state: string }>; sandbox: { enforced?: boolean } }> };
      const mine = json.sessions.find((x) => x.name === session)!;
      expect(mine.services.map((x) => x.state)).toEqual(['running', 'running']);
      expect(mine.sandbox.enforced).toBe(false);
      // the machine's own engine: down, logs and exec refuse (they would find nothing there), and nothing changes
      const local: NodeJS.ProcessEnv = { ...sessionEnv() };
      delete local.DOCKER_HOST;
      delete local.DOCKER_TLS_VERIFY;
      const down = await repro(['down', session, '--json'], local);
      expect(down.code).toBe(1);
      expect(JSON.parse(down.out).error).toMatchObject({ code: 'conflict', message: expect.stringContaining(`runs on the Docker engine at tcp://${bridgeAddr}:${port}, but this workbench talks to unix://`) });
      expect((await repro(['logs', session, 'pricing'], local)).code).toBe(1);
      expect(await labelledCount(createDockerClient(sessionEnv()), session)).toMatchObject({ containers: 4 });
    }, 60_000);

    it('repro down leaves nothing of the session on that engine', async () => {
      const r = await repro(['down', session, '--json']);
      expect(r.code, r.err).toBe(0);
      const remote = createDockerClient(sessionEnv());
      expect(await labelledCount(remote, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
      // the home's edge network went with its last gate
      expect(await remote.listNetworks({ filters: JSON.stringify({ label: [`${LABEL_HOME}`] }) })).toEqual([]);
      expect(() => execFileSync('ip', ['link', 'show', 'docker0'], { stdio: 'pipe' })).not.toThrow();
    }, 60_000);
  });
});
