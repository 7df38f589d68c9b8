import { formatRate, parseReplayMode, type ReplayReport } from '../../../shared/replay/report';
import { formatHostMapping, parseHostMapping } from '../../../shared/replay/request';
import type { NoiseSuggestions } from '../../../shared/replay/noise';
import { NoiseMatcher } from '../../../shared/replay/jsonpath';
import { sessionForReplay } from '../../services/replay';
import { acceptNoise } from '../../services/replay/store';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError } from '../command';
import { exitCode, resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';
import { appendAll } from '../../../shared/array';

export const command = defineCommand(
  {
    name: 'replay',
    summary: "send the bundle's recorded traffic to a running session and compare the answers",
    usage: [
      'replay <session> [--mode as-recorded|max|xN] [--concurrency N] [--timeout MS] [--gap-cap MS] [--host-map HOST[:PORT]=SERVICE]... [--json]',
      'replay <session> --suggest-noise [--concurrency N] [--timeout MS] [--json]',
      'replay <session> --accept-noise PATH... [--json]',
    ],
    description: `Sends every request of the bundle's traffic/*.har (in startedDateTime order) to the session:
a request goes to the service named by its URL's host, or, when the host is not a service name
(127.0.0.1:PORT, a public name: what browsers, proxies and SDKs record), to the bundle's
ingress service; --host-map overrides either. Always at the service's ingress port. Each
answer is compared with the recorded one on status, content-type and body (JSON as data, the
bundle's replay.noise paths and the session's accepted noise paths ignored; other bodies as
bytes). Results: matched, mismatched (with a diff) or error (refused, timeout, no such service).
An answer whose body the HAR does not hold is compared on status and content-type only, and
says so; requests that failed when recorded (status 0 or -1) are skipped and counted.
Every HAR is checked against bundle.json first: a changed or unlisted file is refused.
The report is saved in the session folder (replays/<id>.json) and kept in the session record.

Modes:
  as-recorded   keep the recorded gaps between requests (each gap capped, see --gap-cap)
  xN            the recorded gaps divided by N (x2 twice as fast, x0.5 half speed)
  max           as fast as --concurrency allows

Noise: --suggest-noise replays twice at max rate (nothing saved) and proposes JSON paths whose
values differ between the two runs (timestamps, ids). Never a whole object, an array length or
a status. Nothing is accepted silently: --accept-noise PATH adds a path to the session.
One replay per session at a time, across processes (the workbench UI included).`,
    options: [
      { name: 'mode', value: 'MODE', help: 'as-recorded (default), max or xN' },
      { name: 'concurrency', value: 'N', help: 'requests in flight at most, 1-1024 (default 8)' },
      { name: 'timeout', value: 'MS', help: 'per-request limit for a complete answer (default 30000)' },
      { name: 'gap-cap', value: 'MS', help: 'longest wait between two requests in timed modes (default 5000)' },
      { name: 'host-map', value: 'H=S', multiple: true, help: 'send requests recorded for host H (HOST or HOST:PORT) to service S\n(bundles with several ingress services)' },
      { name: 'suggest-noise', help: 'replay twice and propose JSON paths that differ between the runs' },
      { name: 'accept-noise', value: 'PATH', multiple: true, help: 'ignore this JSON path (e.g. $.servedAt) in this session\'s comparisons' },
      { name: 'json', help: 'print one JSON document: the report (or the suggestions, or the accepted paths)' },
    ],
    notes: `Ctrl-C stops the replay: requests in flight are left out (not counted as errors), the report
is saved with "cancelled": true and printed (with --json, as the one document).`,
    exits: {
      0: 'the replay ran, whatever it found (mismatches and an empty traffic folder included)',
      1: 'it could not run: no such session, a session that is not running, a HAR that does not verify',
      130: 'cancelled: the partial report is saved and printed',
    },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one session name (see repro status)');
    const name = positionals[0]!;
    const mode = values.mode ?? 'as-recorded';
    try {
      parseReplayMode(mode);
    } catch (err) {
      throw new UsageError(`--mode: ${(err as Error).message}`);
    }
    const int = (flag: string, raw: string | undefined, min: number, max: number): number | undefined => {
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer ${min}-${max}, got "${raw}"`);
      return n;
    };
    const concurrency = int('concurrency', values.concurrency, 1, 1024);
    const timeoutMs = int('timeout', values.timeout, 1, 3_600_000);
    const gapCapMs = int('gap-cap', values['gap-cap'], 0, 3_600_000);
    const hostMap = (values['host-map'] ?? []).map((m) => {
      try {
        return formatHostMapping(parseHostMapping(m));
      } catch (err) {
        throw new UsageError(`--host-map: ${(err as Error).message}`);
      }
    });
    const accept = values['accept-noise'] ?? [];
    try {
      if (accept.length) new NoiseMatcher(accept);
    } catch (err) {
      throw new UsageError(`--accept-noise: ${(err as Error).message}`);
    }
    if (accept.length && values['suggest-noise']) throw new UsageError('--accept-noise and --suggest-noise are separate steps: suggest, read, then accept');
    const wb = createWorkbench({ host: 'cli', env: io.env });

    if (accept.length) {
      const { session } = await sessionForReplay(wb.docker, wb.stateDir, name);
      const all = await acceptNoise(session.stateDir, accept);
      if (values.json) printJson(io, { session: name, accepted: accept, noise: all });
      else io.stdout(`accepted into session ${name}: ${accept.join(', ')}\nsession noise paths now: ${all.join(', ')}\n`);
      return 0;
    }

    if (values['suggest-noise']) {
      const end = await runCliOperation(io, wb, 'replay.suggestNoise', { session: name, ...(concurrency ? { concurrency } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
      const s = resultOrThrow(end);
      if (values.json) printJson(io, { session: name, ...s });
      else io.stdout(formatSuggestions(name, s));
      return exitCode(end, 0);
    }
    const end = await runCliOperation(io, wb, 'replay.run', {
      session: name,
      mode,
      ...(concurrency ? { concurrency } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(gapCapMs !== undefined ? { gapCapMs } : {}),
      ...(hostMap.length ? { hostMap } : {}),
    });
    const report = resultOrThrow(end);
    if (values.json) printJson(io, report);
    else io.stdout(formatReport(report));
    return exitCode(end, 0);
  },
);

export function formatReport(r: ReplayReport): string {
  const lines = [
    `Replay ${r.id} of session ${r.session} (${r.mode}, concurrency ${r.concurrency})${r.cancelled ? ' — CANCELLED' : ''}`,
    `  sent ${r.sent}/${r.total}: ${r.matched} matched, ${r.mismatched} mismatched, ${r.errors} errors${r.skipped.length ? `, ${r.skipped.length} skipped` : ''} — success rate ${formatRate(r.successRate)}`,
  ];
  if (r.sent > 0) lines.push(`  latency p50/p99 recorded ${r.latency.recorded.p50}/${r.latency.recorded.p99} ms, replayed ${r.latency.replayed.p50}/${r.latency.replayed.p99} ms — ${r.latency.judgement.verdict}: ${r.latency.judgement.reason}`);
  for (const n of r.notices) lines.push(`  note: ${n}`);
  for (const res of r.results.filter((x) => x.outcome !== 'matched')) {
    lines.push('', `#${res.index} ${res.method} ${res.url} — ${res.outcome.toUpperCase()} (recorded ${res.recordedStatus}, replayed ${res.status ?? '-'})`);
    if (res.error) lines.push(`  ${res.error}`);
    if (res.note) lines.push(`  (${res.note})`);
    if (res.diff) appendAll(lines, res.diff.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n') + '\n';
}

function formatSuggestions(name: string, s: NoiseSuggestions): string {
  const lines = [`Noise suggestions for session ${name} (${s.comparedRequests} requests replayed twice)`];
  if (s.suggested.length === 0) lines.push('  none: the two runs agree on every compared field');
  for (const x of s.suggested) lines.push(`  ${x.path}  (${x.requests} request${x.requests === 1 ? '' : 's'}; e.g. #${x.example.index}: ${JSON.stringify(x.example.first)} vs ${JSON.stringify(x.example.second)})`);
  if (s.refused.length) {
    lines.push('Not proposed:');
    for (const x of s.refused) lines.push(`  ${x.path}: ${x.reason}`);
  }
  for (const u of s.unstableStatus) lines.push(`  request #${u.index}: status ${u.first} then ${u.second} (unstable; never hidden)`);
  if (s.suggested.length) lines.push(`Accept with: repro replay ${name} ${s.suggested.map((x) => `--accept-noise '${x.path}'`).join(' ')}`);
  return lines.join('\n') + '\n';
}

