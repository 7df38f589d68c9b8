/**
 * What replay keeps in the session folder:
 *   replays/<id>.json          each report: summary and result rows (written streaming, atomically)
 *   replays/<id>.bodies.jsonl  side-by-side bodies of at most a capped number of its mismatches
 *   replays/<id>.summary.json  the summary alone (written last: its presence marks a complete
 *                              save; replay.list reads only these)
 *   replay-noise.json          noise paths the user accepted into this session (never written silently)
 * Replays saved before the split ({report, bodies} in <id>.json) are still read.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { writeFileAtomic, writeFileAtomicChunks } from '../atomic-write';
import { NoiseMatcher } from '../../../shared/replay/jsonpath';
import { replayBodiesSchema, replayReportSchema, replaySummarySchema, summaryOf, type ReplayBodies, type ReplayReport, type ReplaySummary } from '../../../shared/replay/report';

export interface SavedReplay {
  report: ReplayReport;
  bodies: ReplayBodies[];
}

export const replaysDir = (sessionDir: string) => join(sessionDir, 'replays');

/** The report's JSON, a row at a time: a replay of a million requests is never one string. */
function* reportChunks(report: ReplayReport): Generator<string> {
  const head = JSON.stringify({ ...summaryOf(report), results: [] });
  yield head.slice(0, -2); // everything up to the empty rows array's closing "]}"
  let first = true;
  for (const row of report.results) {
    if (!first) yield ',';
    first = false;
    yield JSON.stringify(row);
  }
  yield ']}';
}

function* bodyLines(bodies: ReplayBodies[]): Generator<string> {
  for (const b of bodies) yield JSON.stringify(b) + '\n';
}

export async function saveReplay(sessionDir: string, saved: SavedReplay): Promise<string> {
  const dir = replaysDir(sessionDir);
  await mkdir(dir, { recursive: true });
  const id = saved.report.id;
  const file = join(dir, `${id}.json`);
  await writeFileAtomicChunks(join(dir, `${id}.bodies.jsonl`), bodyLines(saved.bodies));
  await writeFileAtomicChunks(file, reportChunks(saved.report));
  await writeFileAtomic(join(dir, `${id}.summary.json`), JSON.stringify(summaryOf(saved.report)));
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
  const raw = JSON.parse(text) as Record<string, unknown>;
  if ('report' in raw) {
    // saved before reports and bodies were split
    return { report: replayReportSchema.parse(raw.report), bodies: (raw.bodies as ReplayBodies[] | undefined) ?? [] };
  }
  return { report: replayReportSchema.parse(raw), bodies: await readBodies(sessionDir, id) };
}

async function readBodies(sessionDir: string, id: string): Promise<ReplayBodies[]> {
  let text: string;
  try {
    text = await readFile(join(replaysDir(sessionDir), `${id}.bodies.jsonl`), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => replayBodiesSchema.parse(JSON.parse(line)));
}

/** Summaries of the session's replays, newest first (ids start with a sortable timestamp). */
export async function listReplays(sessionDir: string): Promise<ReplaySummary[]> {
  let names: string[];
  try {
    names = await readdir(replaysDir(sessionDir));
  } catch {
    return [];
  }
  const present = new Set(names);
  const ids = names.filter((n) => n.endsWith('.json') && !n.endsWith('.summary.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
  const out: ReplaySummary[] = [];
  for (const id of ids.sort().reverse()) {
    try {
      if (present.has(`${id}.summary.json`)) {
        out.push(replaySummarySchema.parse(JSON.parse(await readFile(join(replaysDir(sessionDir), `${id}.summary.json`), 'utf8'))));
      } else {
        const { report } = await readReplay(sessionDir, id); // saved before summaries existed
        out.push(summaryOf(report));
      }
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
