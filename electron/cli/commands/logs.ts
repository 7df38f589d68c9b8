import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogEvent } from '../../../shared/api/events';
import { Level, LEVEL_NAMES, levelFromText, levelName } from '../../../shared/logs/levels';
import { parseTime, type BadLine, type LogRecord } from '../../../shared/logs/record';
import { TemplateMiner } from '../../../shared/logs/miner';
import { writeFileAtomic } from '../../services/atomic-write';
import { streamLogs } from '../../services/environments/logs';
import { settleSessionVerdict } from '../../services/verdict';
import { compareLogSources, openLogSource, sessionLogSource, type LogSource } from '../../services/logs/source';
import { recordLogComparison } from '../../services/logs/record';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { formatAmount, printJson, progressPrinter } from '../output';

const USAGE = `Usage:
  repro logs <bundle|folder|file|session> [--service S] [--level L] [--grep RE] [--since T] [--until T] [--json]
  repro logs <bundle|folder|file|session> --patterns [--top N] [--assign FILE] [--json]
  repro logs <bundle> --compare <session> [--json]
  repro logs <session> [service] [--follow] [--tail N] [--json]

Reads logs: a bundle's logs/*.jsonl (folder or .tgz), a folder of .jsonl/.json/.log files, one
file, or a running session (its containers' output and what its OTLP receiver took). JSON lines
as the bundle format writes them ({ts, service, msg}) and as real loggers do (level/severity/lvl,
trace_id/traceId/trace.id, span_id; slog, zap, pino, logback, Python), and OTLP/JSON log exports.
A bad line is counted and named with its line number, never fatal; files are streamed.

A path that exists is read as files; anything else is a session name. Without filters or
--patterns/--compare, a session prints its containers' output as before (service | line).

Options:
  --service S     only lines of service S (repeatable)
  --level L       only lines at level L or above (trace, debug, info, warn, error, fatal)
  --grep RE       only lines whose message matches the regular expression (case-insensitive)
  --since T       only lines at or after T (RFC 3339, or epoch ms)
  --until T       only lines before T
  --patterns      group the lines into templates (variables as <*>), most frequent first
  --top N         with --patterns: only the N most frequent templates
  --assign FILE   with --patterns: write each input line's template id to FILE, one line per
                  input line in file order (0 for a blank or bad line; several ids, space
                  separated, for a line holding several records, such as an OTLP export)
  --compare S     the bundle's logs against session S's: which of the incident's error
                  templates the reproduction also logged, which it did not, and what is new;
                  recorded in the session's record (and so in its report)
  --follow, -f    (session) keep following new container lines
  --tail N        (session) only the last N container lines per service
  --json          one JSON document: lines: {records,lines,badLines,bad}; --patterns:
                  {lines,badLines,templates:[{id,template,count,levels,services,firstTs,lastTs}]};
                  --compare: {reproduced,missing,new,...}; session output: [{service,stream,line,ts}]`;

interface Filter {
  services: Set<string>;
  minLevel: number;
  grep?: RegExp;
  since: number;
  until: number;
}

function passes(f: Filter, r: LogRecord): boolean {
  if (f.services.size && !f.services.has(r.service)) return false;
  if (r.level < f.minLevel) return false;
  if (f.since > -Infinity || f.until < Infinity) {
    if (!(r.ts >= f.since && r.ts < f.until)) return false;
  }
  if (f.grep && !f.grep.test(r.msg)) return false;
  return true;
}

function timeArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : parseTime(v);
  if (!Number.isFinite(t)) throw new UsageError(`${name} must be an RFC 3339 time or epoch milliseconds, got "${v}"`);
  return t;
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);

function printBad(io: CliIo, bad: BadLine[], total: number) {
  for (const b of bad.slice(0, 5)) io.stderr(`bad line: ${b.file}:${b.line}: ${b.error}\n`);
  if (total > 5) io.stderr(`… and ${total - 5} more bad lines\n`);
}

export const command: CliCommand = {
  name: 'logs',
  summary: 'read, filter and mine the logs of a bundle, a file or a session; compare a reproduction with its incident',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        follow: { type: 'boolean', short: 'f' },
        tail: { type: 'string' },
        json: { type: 'boolean' },
        service: { type: 'string', multiple: true },
        level: { type: 'string' },
        grep: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        patterns: { type: 'boolean' },
        top: { type: 'string' },
        assign: { type: 'string' },
        compare: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('expected <bundle|folder|file|session> (and, for a session, optionally a service)');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const target = positionals[0]!;
    const asFiles = await import('node:fs/promises').then((fs) => fs.lstat(resolve(io.cwd, target)).then(() => true, () => false));
    const structured = Boolean(values.patterns || values.compare || values.level || values.grep || values.since || values.until || values.service?.length);
    if (!asFiles && !structured) return containerOutput(io, wb, positionals, values);
    if (values.follow || values.tail) throw new UsageError('--follow and --tail are for a session\'s container output (without filters, --patterns or --compare)');
    if (positionals.length > 1) throw new UsageError('a second positional (service) is only for a session\'s container output; use --service');
    if (values.assign && !values.patterns) throw new UsageError('--assign goes with --patterns');
    if (values.top && !values.patterns) throw new UsageError('--top goes with --patterns');
    if (values.compare && values.patterns) throw new UsageError('--compare and --patterns are separate questions; ask one at a time');
    const minLevel = values.level === undefined ? 0 : levelFromText(values.level);
    if (values.level !== undefined && minLevel === Level.unknown) throw new UsageError(`--level must be one of ${LEVEL_NAMES.slice(1).join(', ')}, got "${values.level}"`);
    let grep: RegExp | undefined;
    try {
      grep = values.grep === undefined ? undefined : new RegExp(values.grep, 'i');
    } catch (err) {
      throw new UsageError(`--grep is not a valid regular expression: ${(err as Error).message}`);
    }
    const filter: Filter = { services: new Set(values.service ?? []), minLevel, ...(grep ? { grep } : {}), since: timeArg(values.since, '--since') ?? -Infinity, until: timeArg(values.until, '--until') ?? Infinity };
    const top = values.top === undefined ? undefined : Number(values.top);
    if (top !== undefined && (!Number.isInteger(top) || top < 1)) throw new UsageError(`--top must be a positive integer, got "${values.top}"`);

    const source = await openLogSource(asFiles ? resolve(io.cwd, target) : target, wb);
    const progress = progressPrinter(io);
    const onProgress = (task: string, what: string) => (p: { bytes: number; totalBytes: number; lines: number }) =>
      progress({ task, label: `${what} (${formatAmount(p.lines)} lines)`, done: p.bytes, total: p.totalBytes || undefined, unit: 'bytes' });
    try {
      if (values.compare) return await compare(io, wb, source, values.compare, Boolean(values.json), progress);
      const bad: BadLine[] = [];
      let badCount = 0;
      const onBadLine = (b: BadLine) => {
        badCount++;
        if (bad.length < 100) bad.push(b);
      };
      if (values.patterns) {
        return await patterns(io, source, filter, { json: Boolean(values.json), ...(top ? { top } : {}), ...(values.assign ? { assign: resolve(io.cwd, values.assign) } : {}) }, onProgress('logs', `Reading ${source.label}`), bad, onBadLine, () => badCount);
      }
      // Plain reading: records stream straight to stdout (a --json document too, so a 1 GB file never waits in memory).
      let lines = 0;
      let shown = 0;
      const fileNames: string[] = [];
      if (values.json) io.stdout('{"records":[');
      const summary = await source.read(
        {
          onRecord: (rec, file, line) => {
            lines++;
            if (!passes(filter, rec)) return;
            if (values.json) {
              io.stdout(`${shown ? ',' : ''}\n${JSON.stringify({ ts: iso(rec.ts), level: levelName(rec.level), service: rec.service, msg: rec.msg, traceId: rec.traceId || null, spanId: rec.spanId || null, file: fileNames[file] ?? file, line })}`);
            } else {
              io.stdout(`${iso(rec.ts) ?? '-'.padEnd(24)} ${levelName(rec.level).toUpperCase().padEnd(7)} ${rec.service.padEnd(12)} ${rec.msg}${rec.traceId ? `  trace=${rec.traceId}` : ''}\n`);
            }
            shown++;
          },
          onBadLine,
          onFile: (i, name) => (fileNames[i] = name),
        },
        { onProgress: onProgress('logs', `Reading ${source.label}`) },
      );
      if (values.json) io.stdout(`\n],${JSON.stringify({ lines, shown, badLines: badCount, bad, files: summary.files }).slice(1)}\n`);
      else {
        printBad(io, bad, badCount);
        io.stderr(`${shown} of ${lines} lines shown${badCount ? `, ${badCount} bad` : ''}\n`);
      }
      return 0;
    } finally {
      await source.dispose();
    }
  },
};

async function patterns(
  io: CliIo,
  source: LogSource,
  filter: Filter,
  opts: { json: boolean; top?: number; assign?: string },
  onProgress: (p: { bytes: number; totalBytes: number; lines: number }) => void,
  bad: BadLine[],
  onBadLine: (b: BadLine) => void,
  badCount: () => number,
): Promise<number> {
  const miner = new TemplateMiner();
  // per pattern: levels, services, first and last time
  const levels: Uint32Array[] = [];
  const services: Array<Map<string, number>> = [];
  const first: number[] = [];
  const last: number[] = [];
  // for --assign: each record's (file, line, pattern), in reading order
  let assigned = opts.assign ? new Int32Array(3 * 4096) : undefined;
  let na = 0;
  let lines = 0;
  const summary = await source.read(
    {
      onRecord: (rec, file, line) => {
        if (!passes(filter, rec)) {
          if (assigned) push(file, line, -1);
          return;
        }
        lines++;
        const p = miner.add(rec.msg);
        if (p === levels.length) {
          levels.push(new Uint32Array(LEVEL_NAMES.length));
          services.push(new Map());
          first.push(Infinity);
          last.push(-Infinity);
        }
        levels[p]![rec.level]!++;
        services[p]!.set(rec.service, (services[p]!.get(rec.service) ?? 0) + 1);
        if (rec.ts < first[p]!) first[p] = rec.ts;
        if (rec.ts > last[p]!) last[p] = rec.ts;
        if (assigned) push(file, line, p);
      },
      onBadLine,
    },
    { onProgress },
  );
  function push(file: number, line: number, p: number) {
    if (na + 3 > assigned!.length) {
      const next = new Int32Array(assigned!.length * 2);
      next.set(assigned!);
      assigned = next;
    }
    assigned![na++] = file;
    assigned![na++] = line;
    assigned![na++] = p;
  }
  const model = miner.mine();
  const rows = model.templates.map((t) => {
    const lv = new Uint32Array(LEVEL_NAMES.length);
    const sv = new Map<string, number>();
    let f = Infinity;
    let l = -Infinity;
    for (const p of t.patterns) {
      levels[p]!.forEach((c, k) => (lv[k]! += c));
      for (const [s, c] of services[p]!) sv.set(s, (sv.get(s) ?? 0) + c);
      f = Math.min(f, first[p]!);
      l = Math.max(l, last[p]!);
    }
    const lvl: Record<string, number> = {};
    lv.forEach((c, k) => c && (lvl[LEVEL_NAMES[k]!] = c));
    const svc: Record<string, number> = {};
    for (const [s, c] of [...sv].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) svc[s] = c;
    return { id: t.id, template: t.text, count: t.count, levels: lvl, services: svc, firstTs: iso(f), lastTs: iso(l) };
  });
  rows.sort((a, b) => b.count - a.count || a.id - b.id);
  const shown = opts.top ? rows.slice(0, opts.top) : rows;
  if (opts.assign && assigned) await writeAssignments(opts.assign, assigned.subarray(0, na), summary.files.length, model.templateOfPattern, summary.lineCounts);
  if (opts.json) {
    printJson(io, { lines, badLines: badCount(), bad: bad.slice(0, 20), patterns: miner.patternCount, templates: shown });
    return 0;
  }
  printBad(io, bad, badCount());
  const out: string[] = [`${lines} lines, ${rows.length} templates (${miner.patternCount} patterns)${badCount() ? `, ${badCount()} bad lines` : ''}`, ''];
  const w = String(shown[0]?.count ?? 0).length;
  for (const r of shown) {
    const lv = Object.entries(r.levels).sort((a, b) => b[1] - a[1]).map(([k]) => k).join(',');
    out.push(`${String(r.count).padStart(w)}  #${String(r.id).padEnd(4)} ${lv.padEnd(11)} ${Object.keys(r.services).slice(0, 3).join(',').padEnd(16)} ${r.template}`);
  }
  if (opts.top && rows.length > opts.top) out.push(`… ${rows.length - opts.top} more templates (--top)`);
  if (opts.assign) out.push('', `Wrote each line's template id to ${opts.assign}`);
  io.stdout(out.join('\n') + '\n');
  return 0;
}

/** One line per input line of every file in order: the template ids of its records, or 0. */
async function writeAssignments(path: string, triples: Int32Array, fileCount: number, templateOfPattern: Int32Array, lineCounts: number[]): Promise<void> {
  const parts: string[] = [];
  let k = 0;
  for (let file = 0; file < fileCount; file++) {
    const total = lineCounts[file] ?? 0;
    for (let line = 1; line <= total; line++) {
      let ids = '';
      while (k < triples.length && triples[k] === file && triples[k + 1] === line) {
        const p = triples[k + 2]!;
        ids += (ids ? ' ' : '') + (p >= 0 ? templateOfPattern[p]! + 1 : 0);
        k += 3;
      }
      parts.push(ids || '0');
    }
  }
  await writeFileAtomic(path, parts.length ? parts.join('\n') + '\n' : '');
}

async function compare(io: CliIo, wb: ReturnType<typeof createWorkbench>, incident: LogSource, session: string, json: boolean, progress: ReturnType<typeof progressPrinter>): Promise<number> {
  const repro = sessionLogSource(session, wb);
  const result = await compareLogSources(incident, repro, {
    onStage: (stage, p) => progress({ task: `logs-${stage}`, label: `Reading ${stage === 'incident' ? incident.label : repro.label} (${p.lines} lines)`, done: p.bytes, total: p.totalBytes || undefined, unit: 'bytes' }),
  });
  const eventId = await recordLogComparison(wb, session, incident.label, result);
  // The comparison is the verdict's logs evidence: settle it as of now (as the API does).
  if (eventId !== undefined) await settleSessionVerdict(wb.stateDir, session).catch(() => undefined);
  if (json) {
    printJson(io, { ...result, ...(eventId !== undefined ? { recordEvent: eventId } : {}) });
    return 0;
  }
  const out: string[] = [];
  out.push(`Incident: ${result.incident.lines} lines, ${result.incident.templates} templates, ${result.incident.errorTemplates} of them errors. Reproduction (${session}): ${result.repro.lines} lines.`);
  const section = (title: string, rows: typeof result.reproduced, empty: string) => {
    out.push('', `${title} (${rows.length})`);
    if (!rows.length) out.push(`  ${empty}`);
    for (const r of rows) out.push(`  incident ${String(r.incident).padStart(6)}  repro ${String(r.repro).padStart(6)}  ${r.level.padEnd(5)} ${r.services.join(',').padEnd(14)} ${r.template}`);
  };
  section('Reproduced: incident errors the reproduction logged too', result.reproduced, 'none');
  section('Missing: incident errors the reproduction did not log', result.missing, 'none');
  section('New: what only the reproduction logged', result.new, 'nothing');
  if (result.errorTemplatesReproduced !== null) out.push('', `${Math.round(result.errorTemplatesReproduced * 100)}% of the incident's error templates reproduced.`);
  if (eventId !== undefined) out.push(`Recorded in ${session}'s record (event #${eventId}).`);
  io.stdout(out.join('\n') + '\n');
  return 0;
}

/** Today's `repro logs <session> [service]`: the containers' output, multiplexed. */
async function containerOutput(io: CliIo, wb: ReturnType<typeof createWorkbench>, positionals: string[], values: { follow?: boolean; tail?: string; json?: boolean }): Promise<number> {
  if (values.json && values.follow) throw new UsageError('--json prints one document; it cannot be combined with --follow');
  const tail = values.tail === undefined ? undefined : Number(values.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail must be a non-negative integer, got "${values.tail}"`);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const collected: LogEvent[] = [];
  try {
    await streamLogs({
      docker: wb.docker,
      stateDir: wb.stateDir,
      session: positionals[0]!,
      ...(positionals[1] ? { service: positionals[1] } : {}),
      follow: Boolean(values.follow),
      ...(tail !== undefined ? { tail } : {}),
      signal: controller.signal,
      onLine: (e) => {
        if (values.json) collected.push(e);
        else io.stdout(`${e.service} | ${e.line}\n`);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (values.json) printJson(io, collected.map(({ service, stream, line, ts }) => ({ service, stream, line, ts })));
  return 0;
}
