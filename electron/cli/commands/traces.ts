import { parseArgs } from 'node:util';
import { importTraceBytes } from '../../../shared/traces/detect';
import { summarize } from '../../../shared/traces/summary';
import { searchTraces } from '../../../shared/traces/search';
import { readTraceFiles } from '../../services/traces/files';
import { sessionTraceFolder } from '../../services/traces/source';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { formatAmount, printJson, progressPrinter } from '../output';
import { maxOf } from '../../../shared/array';

export const command: CliCommand = {
  name: 'traces',
  summary: 'summarize the traces of a bundle, a folder or a trace file (OTLP, Jaeger, Zipkin)',
  usage: `Usage: repro traces <bundle-folder|bundle.tgz|folder|file.json|session> [--json]

Reads every trace file (a bundle's traces/*.json, every *.json of a folder such as a session's
OTLP receiver output, or one file; a name that is no path is a session, whose OTLP receiver
output is read), detects its format from content (OTLP/JSON, Jaeger JSON,
Zipkin v2 JSON) and prints a summary: trace and span counts, services, error spans, and the
longest trace with its critical path (Jaeger's algorithm: the chain of last-finishing children).

Options:
  --json   print {"traces","spans","services","errorSpans","longestTrace":{"traceId","durationMs",
           "criticalPath":[{"service","name","selfMs"}]}} (longestTrace is null without spans)`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one bundle, folder or trace file');
    const progress = progressPrinter(io);
    const task = 'traces';
    const target = await sessionTraceFolder(createWorkbench({ host: 'cli', env: io.env }), positionals[0]!);
    const found = await readTraceFiles(target, {
      onFile: (done, total, name, bytes) =>
        progress({ task, label: `Read ${name} (${formatAmount(bytes, 'bytes')})`, done, total, unit: 'files' }),
    });
    try {
      if (found.files.length === 0) io.stderr(`repro traces: no trace files in ${found.source}\n`);
      const { set } = importTraceBytes(found.files, {
        onProgress: (done, total, name) =>
          progress({ task, label: done < total ? `Import ${name}` : 'Index spans', done, total, unit: 'files' }),
        onBytes: (done, total, name) => progress({ task, label: `Import ${name}`, done, total, unit: 'bytes' }),
      });
      const summary = summarize(set);
      progress({ task, label: `Loaded ${summary.spans} spans`, done: summary.spans, total: summary.spans, unit: 'spans', finished: true });
      for (const w of set.warnings.slice(0, 5)) io.stderr(`warning: ${w}\n`);
      if (set.warnings.length > 5) io.stderr(`warning: … and ${set.warnings.length - 5} more\n`);
      if (values.json) {
        printJson(io, summary);
        return 0;
      }
      const lines: string[] = [];
      lines.push(
        `${summary.traces} trace${summary.traces === 1 ? '' : 's'}, ${summary.spans} spans, ${summary.errorSpans} error span${summary.errorSpans === 1 ? '' : 's'}` +
          ` (${set.formats.join(', ') || 'no format'}; ${set.inputSpanObjects} span objects in ${found.files.length} file${found.files.length === 1 ? '' : 's'})`,
      );
      lines.push(`Services (${summary.services.length}): ${summary.services.join(', ') || '-'}`);
      const top = searchTraces(set, undefined, {}, 'duration', true).slice(0, 10);
      if (top.length) {
        lines.push('', 'Longest traces:');
        for (const t of top) {
          lines.push(
            `  ${t.traceId}  ${(t.durationUs / 1000).toFixed(3).padStart(12)} ms  ${String(t.spanCount).padStart(7)} spans  ${String(t.errorCount).padStart(4)} err  ${t.rootService}: ${t.rootName}`,
          );
        }
      }
      const lt = summary.longestTrace;
      if (lt) {
        lines.push('', `Critical path of ${lt.traceId} (${lt.durationMs} ms):`);
        const w = maxOf(lt.criticalPath.map((e) => e.service.length), 7);
        for (const e of lt.criticalPath) lines.push(`  ${e.selfMs.toFixed(3).padStart(12)} ms  ${(e.service || '(unknown)').padEnd(w)}  ${e.name}`);
      }
      io.stdout(lines.join('\n') + '\n');
      return 0;
    } finally {
      await found.dispose();
    }
  },
};
