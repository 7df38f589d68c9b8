import { parseArgs } from 'node:util';
import { describeEvent } from '../../../shared/record/report';
import { formatDuration } from '../../../shared/record/stats';
import { VERDICTS, type Verdict } from '../../../shared/record/types';
import { openRecordDb } from '../../services/record/db';
import { resolveSessionRef } from '../../services/record/session-ref';
import { settleSessionVerdict } from '../../services/verdict';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'record',
  summary: "show a session's record, add notes, mark the incident reproduced, see the rates",
  usage: `Usage: repro record show <session> [--json]
       repro record note <session> TEXT [--json]
       repro record mark <session> reproduced|not-reproducible [--note TEXT] [--evidence EVENT_ID]... [--json]
       repro record stats [--json]

show   The session's timeline (every action with its time), verdict and time to reproduce.
note   Add a note to the timeline.
mark   Record the verdict. --evidence links record events (ids from show); without it the
       latest step run and the latest replay are linked. The latest mark counts.
stats  Every session across incidents, with the reproducible-incident rate (incidents marked
       reproduced / incidents with a verdict) and the median time to reproduce.

Exit 0 on success; 1 when the session has no record; 2 usage error.`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      options: { note: { type: 'string' }, evidence: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const db = openRecordDb(wb.stateDir);
    switch (sub) {
      case 'show': {
        if (positionals.length !== 1) throw new UsageError('expected exactly one session name');
        const session = db.requireSession(positionals[0]!);
        const summary = db.summary(session.id);
        const events = db.events(session.id);
        if (values.json) {
          printJson(io, { ...summary, marks: db.marks(session.id), events });
          return 0;
        }
        const start = summary.firstEventAt ?? session.createdAt;
        io.stdout(`Session ${session.name} (bundle ${session.bundleId}${session.context.incident ? `: ${session.context.incident.title}` : ''})\n\n`);
        for (const e of events) io.stdout(`  #${String(e.id).padEnd(5)} ${new Date(e.at).toISOString()}  +${formatDuration(e.at - start).padEnd(12)} ${describeEvent(e)}\n`);
        io.stdout(`\nVerdict: ${summary.verdict ?? 'none yet'}${summary.verdictSource === 'computed' ? ' (computed; nobody has marked it)' : ''}${summary.timeToReproduceMs !== undefined ? ` (time to reproduce ${formatDuration(summary.timeToReproduceMs)})` : ''}\n`);
        return 0;
      }
      case 'note': {
        if (positionals.length < 2) throw new UsageError('expected a session name and the note text');
        const event = db.addNote(await resolveSessionRef(wb.docker, wb.stateDir, db, positionals[0]!), positionals.slice(1).join(' '));
        if (values.json) printJson(io, event);
        else io.stdout(`Noted (#${event.id}).\n`);
        return 0;
      }
      case 'mark': {
        if (positionals.length !== 2) throw new UsageError('expected a session name and reproduced or not-reproducible');
        const verdict = positionals[1]!;
        if (!(VERDICTS as readonly string[]).includes(verdict)) throw new UsageError(`the verdict must be reproduced or not-reproducible, got "${verdict}"`);
        const evidence = values.evidence?.map((e) => {
          const id = Number(e.replace(/^#/, ''));
          if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--evidence takes a record event id (see repro record show), got "${e}"`);
          return id;
        });
        // The mark keeps the computed verdict it confirms or overrides: the one as of now.
        await settleSessionVerdict(wb.stateDir, positionals[0]!).catch(() => undefined);
        const mark = db.mark(await resolveSessionRef(wb.docker, wb.stateDir, db, positionals[0]!), verdict as Verdict, { ...(values.note ? { note: values.note } : {}), ...(evidence ? { evidence } : {}) });
        const summary = db.summary(db.requireSession(positionals[0]!).id);
        if (values.json) printJson(io, { mark, verdict: summary.verdict, ...(summary.timeToReproduceMs !== undefined ? { timeToReproduceMs: summary.timeToReproduceMs } : {}) });
        else
          io.stdout(
            `Marked ${verdict}${summary.timeToReproduceMs !== undefined ? ` (time to reproduce ${formatDuration(summary.timeToReproduceMs)})` : ''}; evidence: ${mark.evidence.map((e) => `#${e.eventId} ${e.label ?? ''}`).join(', ') || 'none'}\n`,
          );
        return 0;
      }
      case 'stats': {
        if (positionals.length !== 0) throw new UsageError('stats takes no arguments');
        const history = db.history();
        const stats = db.stats();
        if (values.json) {
          printJson(io, { ...stats, sessions: history.map((h) => ({ name: h.session.name, bundleId: h.session.bundleId, startedAt: h.firstEventAt ?? h.session.createdAt, verdict: h.verdict ?? null, timeToReproduceMs: h.timeToReproduceMs ?? null })) });
          return 0;
        }
        for (const h of history) {
          io.stdout(`  ${h.session.name.padEnd(28)} ${h.session.bundleId.padEnd(14)} ${new Date(h.firstEventAt ?? h.session.createdAt).toISOString()}  ${(h.verdict ?? '-').padEnd(17)} ${h.timeToReproduceMs !== undefined ? formatDuration(h.timeToReproduceMs) : ''}\n`);
        }
        io.stdout(
          `\nReproducible incidents: ${stats.reproducibleRate === null ? 'n/a (no verdict yet)' : `${(stats.reproducibleRate * 100).toFixed(0)}% (${stats.incidentsReproduced} of ${stats.incidentsWithVerdict})`}\nMedian time to reproduce: ${stats.medianTimeToReproduceMs === null ? 'n/a' : formatDuration(stats.medianTimeToReproduceMs)}\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}" (show, note, mark, stats)` : 'expected a subcommand: show, note, mark or stats');
    }
  },
};
