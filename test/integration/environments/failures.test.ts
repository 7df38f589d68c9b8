// What an up must do when it cannot succeed: start nothing without secrets, and remove what it
// created when a service exits or never becomes healthy.
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { upFromPath } from '../../../electron/services/environments';
import { SessionStore } from '../../../electron/services/environments/state-store';
import { containerNameFor } from '../../../electron/services/environments/up';
import { homeTag, LABEL_HOME, LABEL_ROLE } from '../../../electron/services/environments/labels';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';
import { writeTinyBundle } from './tiny-bundle';

const docker = createDockerClient();
const home = tempHome();
const sessions: string[] = [];
const env = { ...process.env, REPRO_HOME: home.home };

afterAll(async () => {
  await removeSessions(docker, sessions);
  home.cleanup();
});

async function upExpectingError(bundlePath: string, session: string, secrets: Record<string, string> = {}): Promise<WorkbenchError> {
  sessions.push(session);
  const err = await upFromPath({ bundlePath, session, secrets: { env: secrets }, docker, stateDir: home.stateDir, env }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkbenchError);
  return err as WorkbenchError;
}

describe('up failures', () => {
  it('refuses to start without a required secret, naming it, and creates nothing', async () => {
    const session = uniqueSession('nosecret');
    const err = await upExpectingError(sampleBundle, session);
    expect(err.code).toBe('secret_missing');
    expect(err.message).toContain('PAYMENT_KEY');
    expect(err.message).toContain('REPRO_SECRET_PAYMENT_KEY');
    expect(err.details).toEqual({ missing: [{ name: 'PAYMENT_KEY', services: ['checkout'] }] });
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(new SessionStore(join(home.stateDir, 'sessions')).read(session)).toBeUndefined();
  });

  it('takes the secret from a --secrets dotenv file', async () => {
    // Only the secret check is exercised here: a bundle that fails verification stops right after it.
    const dir = mkdtempSync(join(home.home, 'b-'));
    writeTinyBundle(dir, 'INC-SECRETFILE', [{ name: 'web', spec: { secrets: [{ name: 'API_TOKEN' }] } }]);
    const { writeFileSync, appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'stray.txt'), 'not listed'); // makes verification fail
    writeFileSync(join(home.home, 'secrets.env'), '# comment\nAPI_TOKEN="from file"\n');
    const session = uniqueSession('secretfile');
    sessions.push(session);
    const err = await upFromPath({ bundlePath: dir, session, secrets: { env: {}, secretsFile: join(home.home, 'secrets.env') }, docker, stateDir: home.stateDir, env }).catch((e: WorkbenchError) => e);
    expect((err as WorkbenchError).code).toBe('bundle_invalid'); // got past the secret check
    expect((err as WorkbenchError).message).toContain('stray.txt');
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('stops the up with the exit code and last log lines of a service that exits', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    writeTinyBundle(dir, 'INC-EXIT', [
      { name: 'base', spec: { healthcheck: { http: { port: 8080, path: '/health' }, intervalMs: 200, timeoutMs: 20000 } } },
      { name: 'crasher', spec: { entrypoint: ['/bin/sh', '-c', 'echo starting crasher; echo "fatal: no config" >&2; exit 3'], dependsOn: ['base'] } },
    ]);
    const session = uniqueSession('exit');
    const err = await upExpectingError(dir, session);
    expect(err.message).toContain('"crasher" exited with code 3');
    expect(err.message).toContain('fatal: no config');
    expect(err.details).toMatchObject({ service: 'crasher', exitCode: 3 });
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    expect(record.phase).toBe('failed');
  });

  it('stops the up when a healthcheck never passes within its timeout', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    writeTinyBundle(dir, 'INC-UNHEALTHY', [
      { name: 'sick', spec: { healthcheck: { cmd: ['sh', '-c', 'echo not ready; exit 1'], intervalMs: 200, timeoutMs: 3000 } } },
    ]);
    const session = uniqueSession('unhealthy');
    const err = await upExpectingError(dir, session);
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('"sick" was not healthy within 3000 ms');
    expect(err.message).toContain('not ready');
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('refuses an image archive whose id is not image.id', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    const { manifest } = writeTinyBundle(dir, 'INC-BADID', [{ name: 'web', files: { 'www/health': 'other\n' } }]);
    // Point image.id at a digest nothing has: verification (digests of files) still holds.
    manifest.services[0]!.image.id = `sha256:${'ab'.repeat(32)}`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
    const session = uniqueSession('badid');
    const err = await upExpectingError(dir, session);
    expect(err.code).toBe('bundle_invalid');
    // The gate starts beside the images: it is settled and removed too, and with no other
    // session in this home its edge network goes as well.
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const edges = await docker.listNetworks({ filters: JSON.stringify({ label: [`${LABEL_ROLE}=edge`, `${LABEL_HOME}=${homeTag(home.stateDir)}`] }) });
    expect(edges).toEqual([]);
  });

  it('says clearly that an image without an archive cannot be pulled when no registry is reachable', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    const { manifest } = writeTinyBundle(dir, 'INC-NOARCHIVE', [{ name: 'web' }]);
    const { rmSync, writeFileSync } = await import('node:fs');
    rmSync(join(dir, 'images', 'web.tar'));
    const svc = manifest.services[0]!;
    delete svc.image.archive;
    svc.image.ref = 'registry.invalid/repro-test/web:never';
    svc.image.id = `sha256:${'e'.repeat(64)}`;
    manifest.files = manifest.files.filter((f) => f.path !== 'images/web.tar');
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
    const session = uniqueSession('noarchive');
    const err = await upExpectingError(dir, session);
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('has no image archive in the bundle and pulling registry.invalid/repro-test/web:never failed');
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it('an up failing mid-creation waits for the other services being created, then leaves nothing behind', async () => {
    // Five services create many volumes each while a sixth fails at once: its container name is
    // taken by a container this test made. Every creation settles before the cleanup looks, so
    // no volume or container of the five is made after it and left behind.
    const dir = mkdtempSync(join(home.home, 'b-'));
    const { manifest } = writeTinyBundle(dir, 'INC-MIDCREATE', [...['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: `many-${n}` })), { name: 'clash' }]);
    for (const svc of manifest.services) if (svc.name !== 'clash') svc.volumes = Array.from({ length: 120 }, (_, i) => ({ target: `/v${i}` }));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
    const session = uniqueSession('midcreate');
    const clash = manifest.services.find((s) => s.name === 'clash')!;
    await docker.loadImage(createReadStream(join(dir, clash.image.archive!)), { quiet: true }).then((s) => drain(s as unknown as NodeJS.ReadableStream));
    const blocker = await docker.createContainer({ Image: clash.image.id, name: containerNameFor(session, 'clash'), Labels: { 'repro-test.blocker': session } });
    try {
      const err = await upExpectingError(dir, session);
      expect(err).toMatchObject({ code: 'conflict', details: { service: 'clash' } });
      expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
      // what the up did not create is not its to remove
      expect((await blocker.inspect()).Id).toBe(blocker.id);
      expect(new SessionStore(join(home.stateDir, 'sessions')).read(session)!.phase).toBe('failed');
    } finally {
      await blocker.remove({ force: true });
    }
  });

  it('a cancelled up removes what it created and is recorded as cancelled, not failed', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    writeTinyBundle(dir, 'INC-CANCELUP', [
      { name: 'first', spec: { healthcheck: { http: { port: 8080, path: '/health' }, intervalMs: 200, timeoutMs: 20000 } } },
      { name: 'second', spec: { dependsOn: ['first'] } },
    ]);
    const session = uniqueSession('cancelup');
    sessions.push(session);
    const controller = new AbortController();
    // Cancel the moment the first service starts: containers, network and agent exist by then.
    const err = await upFromPath({
      bundlePath: dir,
      session,
      secrets: { env: {} },
      docker,
      stateDir: home.stateDir,
      env,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.task.endsWith(':start:first')) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    expect(record).toMatchObject({ phase: 'down', cancelled: true });
    expect(record.error).toBeUndefined();
  });
});

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
    stream.resume();
  });
}
