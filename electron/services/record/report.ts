import { renderReport, type ReportFormat } from '../../../shared/record/report';
import type { RecordDb } from './db';

/** A postmortem-ready report of a session's record (latest record of that name, or by record id). */
export function generateReport(db: RecordDb, session: string | number, opts: { format?: ReportFormat; generator: string; now?: () => number }): string {
  const record = db.requireSession(session);
  return renderReport(
    {
      summary: db.summary(record.id),
      events: db.events(record.id),
      marks: db.marks(record.id),
      generatedAt: (opts.now ?? Date.now)(),
      generator: opts.generator,
    },
    opts.format ?? 'md',
  );
}
