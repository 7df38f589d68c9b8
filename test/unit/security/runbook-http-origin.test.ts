/**
 * Hostile corpus, attack 2: a runbook `http` step whose target, resolved as a URL relative
 * reference against the session's ingress, names another host (`//127.0.0.1:PORT/x`,
 * `/\127.0.0.1:PORT/x`, `http://web//127.0.0.1:PORT/x`). The workbench must send every step
 * to the session endpoint's origin and nowhere else.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { runRunbook } from '../../../electron/services/runbooks';
import type { SessionRecord } from '../../../electron/services/environments/state-store';

let home: string;
let ingress: Server;
let victim: Server;
let ingressUrl: string;
let victimPort: number;
const victimHits: string[] = [];
const SECRET = 'loopback-service-secret-91c2';

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hostile-http-'));
  ingress = await listen((req, res) => res.end(`ingress saw ${req.url}`));
  victim = await listen((req, res) => {
    victimHits.push(req.url ?? '');
    res.end(SECRET);
  });
  ingressUrl = `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`;
  victimPort = (victim.address() as AddressInfo).port;
  const bundleRoot = join(home, 'bundle');
  mkdirSync(bundleRoot);
  writeFileSync(join(bundleRoot, 'bundle.json'), JSON.stringify({ incident: { id: 'INC-HTTP' }, services: [{ name: 'web', image: { ref: 'x', id: 'x' }, ports: [{ container: 8080, ingress: true }] }], files: [] }));
  const record: SessionRecord = {
    version: 1,
    name: 'hostile-http',
    bundleId: 'INC-HTTP',
    bundleRoot,
    bundleSource: bundleRoot,
    manifestSha256: '0',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    phase: 'running',
    volumes: [],
    // No container: the step only needs the endpoint the session recorded.
    services: [{ name: 'web', imageId: 'x', endpoints: [{ container: 8080, url: ingressUrl }] }],
    secretNames: [],
    injectedEnv: {},
  };
  mkdirSync(join(home, 'state', 'sessions', record.name), { recursive: true });
  writeFileSync(join(home, 'state', 'sessions', record.name, 'session.json'), JSON.stringify(record));
});

afterAll(() => {
  ingress.close();
  victim.close();
  rmSync(home, { recursive: true, force: true });
});

async function runStep(block: string) {
  return runRunbook({ docker: createDockerClient(), stateDir: join(home, 'state'), session: 'hostile-http', text: `# r\n\n\`\`\`http {service=web}\n${block}\n\`\`\`\n` });
}

describe('runbook http steps go to the session endpoint only', () => {
  it.each([
    ['protocol-relative', () => `GET //127.0.0.1:${victimPort}/x`],
    ['backslash', () => `GET /\\127.0.0.1:${victimPort}/x`],
    ['double slash after the service', () => `GET http://web//127.0.0.1:${victimPort}/x`],
    ['backslashes after the service', () => `GET http://web/\\\\127.0.0.1:${victimPort}/x`],
  ])('%s target never reaches another host', async (_name, target) => {
    victimHits.length = 0;
    const result = await runStep(target());
    expect(victimHits).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('an ordinary step still reaches the ingress', async () => {
    const result = await runStep('GET /orders?id=1');
    expect(result.ok).toBe(true);
    expect(result.steps[0]!.output).toBe('ingress saw /orders?id=1');
  });
});
