// Two sessions of the same bundle at once: separate networks, containers, ports and agents;
// taking one down leaves the other working.
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, getSession, upFromPath, type UpReport } from '../../../electron/services/environments';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';

const docker = createDockerClient();
const home = tempHome();
const names = [uniqueSession('side-a'), uniqueSession('side-b')];

afterAll(async () => {
  for (const n of names) await downSession(docker, home.stateDir, n).catch(() => {});
  await removeSessions(docker, names);
  home.cleanup();
});

const ingress = (r: UpReport) => r.services.find((s) => s.name === 'checkout')!.endpoints[0]!.url;

describe('two sessions of one bundle', () => {
  it('run side by side without clashing', async () => {
    const reports = await Promise.all(
      names.map((session) =>
        upFromPath({
          bundlePath: sampleBundle,
          session,
          secrets: { env: { REPRO_SECRET_PAYMENT_KEY: 'side-by-side' } },
          docker,
          stateDir: home.stateDir,
          env: { ...process.env, REPRO_HOME: home.home },
        }),
      ),
    );
    const [a, b] = reports as [UpReport, UpReport];
    expect(ingress(a)).not.toBe(ingress(b));
    for (const r of reports) {
      expect(r.drift).toEqual([]);
      const res = await fetch(`${ingress(r)}/cgi-bin/checkout?cart=legacy`);
      expect(res.status).toBe(502);
    }
    const [infoA, infoB] = await Promise.all(names.map((n) => getSession(docker, home.stateDir, n)));
    expect(infoA!.network.name).not.toBe(infoB!.network.name);
    expect(infoA!.agent.pid).not.toBe(infoB!.agent.pid);

    await downSession(docker, home.stateDir, names[0]!);
    expect(await labelledCount(docker, names[0]!)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const still = await getSession(docker, home.stateDir, names[1]!, { probe: true });
    expect(still.services.every((s) => s.state === 'running' && s.health === 'healthy')).toBe(true);
    expect((await fetch(`${ingress(b)}/cgi-bin/checkout?cart=legacy`)).status).toBe(502);
  });
});
