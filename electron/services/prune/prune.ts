/**
 * `repro prune`: forget what the workbench keeps after sessions end. Session folders of sessions
 * that are down (or failed and cleaned up), their records, and images this home loaded that no
 * container uses. Never a live session, never an image the workbench did not load, never a
 * container: resources of sessions whose owner died are repro gc's (it runs first).
 */
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { openRecordDb } from '../record/db';
import { orphanReason, SessionStore, sessionsRoot, type SessionRecord } from '../environments/state-store';
import { readLoadedImages, writeLoadedImages } from './image-ledger';
import { RECORD_DB_FILE } from '../record/db';
import { join } from 'node:path';

export interface PruneOptions {
  docker: Docker;
  stateDir: string;
  /** Only what is older than this (ms); default: everything that qualifies. */
  olderThanMs?: number;
  sessions: boolean;
  records: boolean;
  images: boolean;
  dryRun: boolean;
  now?: number;
}

export interface PruneReport {
  dryRun: boolean;
  sessions: Array<{ name: string; phase: string; updatedAt: string }>;
  records: Array<{ session: string; bundleId: string; createdAt: string }>;
  images: Array<{ id: string; ref?: string; loadedAt: string }>;
  /** What qualified by age but stays, and why (a live session, an image in use or refused). */
  kept: Array<{ kind: 'session' | 'record' | 'image'; name: string; reason: string }>;
}

const LIVE: ReadonlySet<string> = new Set(['starting', 'running', 'stopping']);

export async function prune(opts: PruneOptions): Promise<PruneReport> {
  const now = opts.now ?? Date.now();
  const cutoff = opts.olderThanMs === undefined ? Infinity : now - opts.olderThanMs;
  const old = (t: number) => t <= cutoff;
  const report: PruneReport = { dryRun: opts.dryRun, sessions: [], records: [], images: [], kept: [] };
  const store = new SessionStore(sessionsRoot(opts.stateDir));
  const records = store.list();
  const live = new Map<string, SessionRecord>(records.filter((r) => LIVE.has(r.phase)).map((r) => [r.name, r]));

  if (opts.sessions) {
    for (const r of records) {
      if (!old(Date.parse(r.updatedAt))) continue;
      if (LIVE.has(r.phase)) {
        const orphan = orphanReason(r);
        report.kept.push({ kind: 'session', name: r.name, reason: orphan ? `${orphan}: run repro gc (or repro down ${r.name}) first` : `it is ${r.phase}` });
        continue;
      }
      report.sessions.push({ name: r.name, phase: r.phase, updatedAt: r.updatedAt });
      if (!opts.dryRun) store.remove(r.name);
    }
  }

  if (opts.records && existsSync(join(opts.stateDir, RECORD_DB_FILE))) {
    const db = openRecordDb(opts.stateDir);
    for (const h of db.history()) {
      const at = h.lastEventAt ?? h.session.createdAt;
      if (!old(at)) continue;
      if (live.has(h.session.name)) {
        report.kept.push({ kind: 'record', name: h.session.name, reason: 'its session is live' });
        continue;
      }
      report.records.push({ session: h.session.name, bundleId: h.session.bundleId, createdAt: new Date(h.session.createdAt).toISOString() });
      if (!opts.dryRun) db.forget(h.session.id);
    }
  }

  if (opts.images) {
    const ledger = readLoadedImages(opts.stateDir);
    const forget = new Set<string>();
    for (const img of ledger) {
      if (!old(img.at)) continue;
      const info = await opts.docker.getImage(img.id).inspect().catch((err: { statusCode?: number }) => {
        if (err.statusCode === 404) return null;
        throw err;
      });
      if (info === null) {
        forget.add(img.id); // already gone from the engine
        continue;
      }
      const users = await opts.docker.listContainers({ all: true, filters: { ancestor: [img.id] } });
      if (users.length) {
        report.kept.push({ kind: 'image', name: img.id, reason: `used by ${users.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)).join(', ')}` });
        continue;
      }
      if (!opts.dryRun) {
        try {
          // by id, never forced: a tag someone else added makes the engine refuse, and it stays
          await opts.docker.getImage(img.id).remove({ noprune: false });
        } catch (err) {
          report.kept.push({ kind: 'image', name: img.id, reason: `the engine refused: ${(err as Error).message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '')}` });
          continue;
        }
        forget.add(img.id);
      }
      report.images.push({ id: img.id, ...(img.ref ? { ref: img.ref } : {}), loadedAt: new Date(img.at).toISOString() });
    }
    if (!opts.dryRun && forget.size) writeLoadedImages(opts.stateDir, readLoadedImages(opts.stateDir).filter((i) => !forget.has(i.id)));
  }
  return report;
}
