/**
 * What replay keeps in the session folder:
 *   replays/<id>.json   each report, with the side-by-side bodies of its mismatches
 *   replay-noise.json   noise paths the user accepted into this session (never written silently)
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { writeFileAtomic } from '../atomic-write';
import { NoiseMatcher } from '../../../shared/replay/jsonpath';
import { replayReportSchema, type ReplayBodies, type ReplayReport } from '../../../shared/replay/report';

export interface SavedReplay {
  report: ReplayReport;
  bodies: ReplayBodies[];
}


export const replaysDir = (sessionDir: string) => join(sessionDir, 'replays');

export async function saveReplay(sessionDir: string, saved: SavedReplay): Promise<string> {
  const dir = replaysDir(sessionDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${saved.report.id}.json`);
  await writeFileAtomic(file, JSON.stringify(saved));
  return file;
}

const ID_RE = /^[0-9A-Za-z._-]+$/;

export async function readReplay(sessionDir: string, id: string): Promise<SavedReplay> {
  if (!ID_RE.test(id)) throw new WorkbenchError('invalid_argument', `replay id "${id}" is not valid`);
  let text: string;
  try {
    text = await readFile(join(replaysDir(sessionDir), `${id}.json`), 'utf8');
  } catch {
    throw new WorkbenchError('not_found', `no replay "${id}" in this session`);
  }
  const raw = JSON.parse(text) as { report: unknown; bodies?: ReplayBodies[] };
  return { report: replayReportSchema.parse(raw.report), bodies: raw.bodies ?? [] };
}

/** Reports of the session, newest first (ids start with a sortable timestamp). */
export async function listReplays(sessionDir: string): Promise<ReplayReport[]> {
  let names: string[];
  try {
    names = await readdir(replaysDir(sessionDir));
  } catch {
    return [];
  }
  const out: ReplayReport[] = [];
  for (const n of names.filter((x) => x.endsWith('.json')).sort().reverse()) {
    try {
      out.push((await readReplay(sessionDir, n.slice(0, -5))).report);
    } catch {
      // a half-written or foreign file is skipped, not fatal
    }
  }
  return out;
}

const noiseFile = (sessionDir: string) => join(sessionDir, 'replay-noise.json');

export async function readAcceptedNoise(sessionDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(noiseFile(sessionDir), 'utf8')) as { jsonPaths?: unknown };
    return Array.isArray(parsed.jsonPaths) ? parsed.jsonPaths.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

/** Add paths the user accepted (validated first: a bad path is refused, not stored). */
export async function acceptNoise(sessionDir: string, paths: string[]): Promise<string[]> {
  try {
    new NoiseMatcher(paths);
  } catch (err) {
    throw new WorkbenchError('invalid_argument', (err as Error).message);
  }
  const current = await readAcceptedNoise(sessionDir);
  const next = [...new Set([...current, ...paths])];
  await mkdir(sessionDir, { recursive: true });
  await writeFileAtomic(noiseFile(sessionDir), JSON.stringify({ jsonPaths: next }, null, 2));
  return next;
}

export async function removeAcceptedNoise(sessionDir: string, paths: string[]): Promise<string[]> {
  const next = (await readAcceptedNoise(sessionDir)).filter((p) => !paths.includes(p));
  await mkdir(sessionDir, { recursive: true });
  await writeFileAtomic(noiseFile(sessionDir), JSON.stringify({ jsonPaths: next }, null, 2));
  return next;
}
