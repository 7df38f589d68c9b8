import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { LABEL_SESSION } from '../../../electron/services/environments/labels';
import { listLabelled, removeLabelled } from '../../../electron/services/environments/resources';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const sampleBundle = join(repoRoot, 'examples', 'incident-checkout');

/** A throwaway workbench home; each test file gets its own, so parallel runs never see each other. */
export function tempHome(): { home: string; stateDir: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'repro-env-it-'));
  return { home, stateDir: join(home, 'state'), cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function uniqueSession(prefix: string): string {
  return `it-${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function labelledCount(docker: Docker, session: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const r = await listLabelled(docker, [`${LABEL_SESSION}=${session}`]);
  return { containers: r.containers.length, networks: r.networks.length, volumes: r.volumes.length };
}

/** afterAll safety net: whatever a failed test left behind under these session names goes. */
export async function removeSessions(docker: Docker, sessions: string[]): Promise<void> {
  for (const s of sessions) await removeLabelled(docker, [`${LABEL_SESSION}=${s}`]).catch(() => {});
}
