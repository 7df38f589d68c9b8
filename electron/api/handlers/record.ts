import type { recordMethods } from '../../../shared/api/methods/record';
import { openRecordDb } from '../../services/record/db';
import { generateReport } from '../../services/record/report';
import { resolveSessionRef } from '../../services/record/session-ref';
import type { HandlerMap } from './types';
import { settleVerdictQuietly } from './verdict';

export const recordHandlers: HandlerMap<keyof typeof recordMethods> = {
  'record.timeline': async ({ session }, { wb }) => {
    const db = openRecordDb(wb.stateDir);
    const rec = db.getSession(session);
    if (!rec) return null;
    return { summary: db.summary(rec.id), events: db.events(rec.id), marks: db.marks(rec.id) };
  },
  'record.note': async ({ session, text }, { wb, emit }) => {
    const db = openRecordDb(wb.stateDir);
    const event = db.addNote(await resolveSessionRef(wb.docker, wb.stateDir, db, session), text);
    emit('recordChanged', { session, kind: 'note' });
    return event;
  },
  'record.mark': async ({ session, verdict, note, evidence, computedEvent }, { wb, emit }) => {
    const db = openRecordDb(wb.stateDir);
    // The person confirms or overrides the computed verdict: the one they saw, else the latest as of now.
    if (computedEvent === undefined) await settleVerdictQuietly(wb, session, emit);
    const mark = db.mark(await resolveSessionRef(wb.docker, wb.stateDir, db, session), verdict, { ...(note ? { note } : {}), ...(evidence ? { evidence } : {}), ...(computedEvent ? { computedEvent } : {}) });
    emit('recordChanged', { session, kind: 'mark' });
    return mark;
  },
  'record.history': async ({ bundleId }, { wb }) => {
    const db = openRecordDb(wb.stateDir);
    return { sessions: db.history(bundleId ? { bundleId } : {}), stats: db.stats() };
  },
  'record.report': async ({ session, format }, { wb, emit }) => {
    await settleVerdictQuietly(wb, session, emit); // the report opens with the verdict as of now
    const text = generateReport(openRecordDb(wb.stateDir), session, { format, generator: `Repro Workbench ${wb.version}` });
    return { filename: `repro-report-${session}.${format}`, mediaType: format === 'html' ? 'text/html' : 'text/markdown', text };
  },
};
