import { resolve } from 'node:path';
import type { MethodInput } from '../../../shared/api/contract';
import type { CaptureReport, CaptureSelection } from '../../../shared/capture/report';
import { formatBytes } from '../../../shared/format/bytes';
import { parseDuration } from '../../../shared/format/duration';
import { parseMetricFlag } from '../../services/capture/prometheus';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError } from '../command';
import { exitCode, resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'capture',
    summary: 'make a verified (optionally signed) bundle from a running compose project or containers',
    usage: ['capture (--project NAME | --containers A,B,...) -o DIR [options]'],
    description: `Describes each selected container from the engine (image by id, entrypoint, command, env, ports,
healthcheck, volumes, limits), saves each image by id, snapshots every named and anonymous volume
through the engine's archive API, takes env vars that look like secrets out (names only in the
bundle), redacts credentials in HAR files, writes the manifest with digests, signs, verifies, and
only then moves the bundle into DIR. Any failure leaves nothing in DIR. See docs/capture.md.`,
    positionals: false,
    options: [
      { name: 'project', value: 'NAME', group: 'Selection', help: 'a compose project (label com.docker.compose.project; compose v1 and v2)' },
      { name: 'containers', value: 'A,B', multiple: true, group: 'Selection', help: 'containers by name or id (comma-separated)' },
      { name: 'out', short: 'o', value: 'DIR', group: 'Selection', help: 'the bundle folder to create (new, or an empty folder; required)' },
      { name: 'incident-id', value: 'ID', group: 'Incident and provenance', help: 'the incident id (default: from the project or the first container and the time)' },
      { name: 'title', value: 'T', group: 'Incident and provenance', help: 'the incident title' },
      { name: 'severity', value: 'SEVn', group: 'Incident and provenance', help: 'SEV1-SEV5' },
      { name: 'started-at', value: 'ISO', group: 'Incident and provenance', help: 'when the incident started (RFC 3339)' },
      { name: 'summary', value: 'TEXT', group: 'Incident and provenance', help: 'what happened, one paragraph' },
      { name: 'repo', value: 'R', group: 'Incident and provenance', help: 'source repository of the code that ran' },
      { name: 'commit', value: 'SHA', group: 'Incident and provenance', help: 'its commit' },
      { name: 'ref', value: 'REF', group: 'Incident and provenance', help: 'its branch or tag' },
      { name: 'build-id', value: 'ID', group: 'Incident and provenance', help: 'the build that made the images' },
      { name: 'deploy-id', value: 'ID', group: 'Incident and provenance', help: 'the deploy that shipped them' },
      { name: 'environment', value: 'ENV', group: 'Incident and provenance', help: 'where it ran (production, staging...)' },
      { name: 'flag', value: 'NAME=VALUE', multiple: true, group: 'Incident and provenance', help: 'a feature flag (true/false/numbers are typed)' },
      { name: 'ingress', value: 'SERVICE[:PORT]', group: 'Traffic and evidence', help: 'where replayed traffic goes when its host is not a service or a published port' },
      { name: 'traffic', value: 'FILE.har', multiple: true, group: 'Traffic and evidence', help: 'requests of the incident, into traffic/ (redacted, re-addressed)' },
      { name: 'fixtures', value: 'FILE.har', multiple: true, group: 'Traffic and evidence', help: 'external dependencies\' answers, into fixtures/ (redacted)' },
      { name: 'traces', value: 'FILE', multiple: true, group: 'Traffic and evidence', help: 'OTLP, Jaeger or Zipkin JSON, into traces/' },
      { name: 'logs', value: 'SERVICE|all', multiple: true, group: 'Traffic and evidence', help: 'container logs into logs/<service>.jsonl' },
      { name: 'since', value: 'DURATION', group: 'Traffic and evidence', help: 'only log lines this recent (e.g. 30m, 2h)' },
      { name: 'noise', value: 'JSONPATH', multiple: true, group: 'Traffic and evidence', help: 'a JSON path replay ignores (e.g. $.servedAt)' },
      { name: 'noise-header', value: 'NAME', multiple: true, group: 'Traffic and evidence', help: 'a response header replay ignores' },
      { name: 'redact-header', value: 'NAME', multiple: true, group: 'Traffic and evidence', help: 'one more header to redact in HAR files' },
      { name: 'prometheus', value: 'URL', group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'the Prometheus server to query' },
      { name: 'metric', value: 'NAME[:increase|decrease|either]=PROMQL', multiple: true, group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'a metric and its query; the direction that is bad (default either)' },
      { name: 'from', value: 'ISO', group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'start of the range (RFC 3339)' },
      { name: 'to', value: 'ISO', group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'end of the range (RFC 3339)' },
      { name: 'step', value: 'SECONDS|DURATION', group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'resolution (default 15 s)' },
      { name: 'canary-selector', value: 'k=v', multiple: true, group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'a label that picks the canary\'s series' },
      { name: 'baseline-selector', value: 'k=v', multiple: true, group: 'Metrics (Prometheus query_range; the canary section needs both selectors)', help: 'a label that picks the baseline\'s series' },
      { name: 'secret', value: 'NAME', multiple: true, group: 'Secrets (env vars are secrets when their name or value says so; see docs/capture.md)', help: 'always a secret (only its name goes into the bundle)' },
      { name: 'keep-env', value: 'NAME', multiple: true, group: 'Secrets (env vars are secrets when their name or value says so; see docs/capture.md)', help: 'never a secret (its value goes into the bundle)' },
      { name: 'no-snapshot', value: 'SERVICE:/path', multiple: true, group: 'Snapshots', help: 'leave that volume out (it starts empty)' },
      { name: 'pause-for-snapshots', group: 'Snapshots', help: 'pause each container while its volumes are copied (consistent data)' },
      { name: 'sign', value: 'KEYFILE', group: 'Output', help: 'sign with this Ed25519 private key (PEM, from repro keygen)' },
      { name: 'pack', value: 'FILE.tgz', group: 'Output', help: 'also write the packed bundle' },
      { name: 'json', group: 'Output', help: 'print the capture report as one JSON document' },
    ],
    exits: {
      0: 'the bundle is written and verifies',
      1: 'the capture failed (nothing is left in DIR)',
      130: 'cancelled: what was written is removed',
    },
  },
  async ({ values }, io) => {
    const input = parseCaptureFlags(values, io.cwd);
    const wb = createWorkbench({ host: 'cli', env: io.env });
    // The same operation the UI runs: progress on stderr, Ctrl-C cancels (and nothing is left).
    const end = await runCliOperation(io, wb, 'capture.run', input);
    const report = resultOrThrow(end);
    if (values.json) printJson(io, report);
    else io.stdout(formatCaptureReport(report));
    return exitCode(end, 0);
  },
);

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function pairs(list: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} "${item}": expected key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Flags -> the capture.run input; every malformed flag is a usage error naming it. */
export function parseCaptureFlags(values: Values, cwd: string): MethodInput<'capture.run'> {
  const str = (k: string) => values[k] as string | undefined;
  const list = (k: string) => values[k] as string[] | undefined;
  const containers = (list('containers') ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  if (str('project') && containers.length) throw new UsageError('give --project or --containers, not both');
  if (!str('project') && !containers.length) throw new UsageError('name what to capture: --project NAME or --containers A,B');
  if (!str('out')) throw new UsageError('-o DIR is required (the bundle folder to create)');
  const selection: CaptureSelection = str('project') ? { project: str('project')! } : { containers };

  for (const k of ['started-at', 'from', 'to']) if (str(k) !== undefined && !ISO.test(str(k)!)) throw new UsageError(`--${k} "${str(k)}": expected an RFC 3339 time such as 2026-11-20T14:02:00Z`);

  let ingress: MethodInput<'capture.run'>['ingress'];
  if (str('ingress')) {
    const m = /^([a-z0-9][a-z0-9-]{0,62})(?::(\d{1,5}))?$/.exec(str('ingress')!);
    if (!m || (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535))) throw new UsageError(`--ingress "${str('ingress')}": expected SERVICE or SERVICE:PORT`);
    ingress = { service: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}) };
  }

  let sinceMs: number | undefined;
  if (str('since') !== undefined) {
    sinceMs = parseDuration(str('since')!);
    if (sinceMs === undefined) throw new UsageError(`--since "${str('since')}": expected a duration such as 30m or 2h`);
  }
  const logNames = list('logs') ?? [];
  const logs: MethodInput<'capture.run'>['logs'] = logNames.length ? { services: logNames.includes('all') ? 'all' : logNames, ...(sinceMs !== undefined ? { sinceMs } : {}) } : undefined;
  if (sinceMs !== undefined && !logs) throw new UsageError('--since applies to --logs; add --logs SERVICE|all');

  let prometheus: MethodInput<'capture.run'>['prometheus'];
  const metricFlags = list('metric') ?? [];
  if (str('prometheus') || metricFlags.length) {
    if (!str('prometheus')) throw new UsageError('--metric needs --prometheus URL');
    if (!/^https?:\/\/[^\s]+$/.test(str('prometheus')!)) throw new UsageError(`--prometheus "${str('prometheus')}": expected an http(s) URL`);
    if (!metricFlags.length) throw new UsageError('--prometheus needs at least one --metric NAME=PROMQL');
    if (!str('from') || !str('to')) throw new UsageError('--prometheus needs --from ISO and --to ISO');
    if (Date.parse(str('from')!) >= Date.parse(str('to')!)) throw new UsageError('--from must be before --to');
    const stepMs = parseDuration(str('step') ?? '15');
    if (stepMs === undefined || stepMs < 1000) throw new UsageError(`--step "${str('step')}": expected seconds (e.g. 15) or a duration (e.g. 1m)`);
    const metrics = metricFlags.map((f) => {
      try {
        return parseMetricFlag(f);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    });
    const names = new Set<string>();
    for (const m of metrics) {
      if (names.has(m.name)) throw new UsageError(`--metric ${m.name} is given twice`);
      names.add(m.name);
    }
    const canarySelector = pairs(list('canary-selector'), 'canary-selector');
    const baselineSelector = pairs(list('baseline-selector'), 'baseline-selector');
    if (Boolean(canarySelector) !== Boolean(baselineSelector)) throw new UsageError('--canary-selector and --baseline-selector go together');
    prometheus = {
      url: str('prometheus')!,
      metrics,
      from: str('from')!,
      to: str('to')!,
      stepSeconds: stepMs / 1000,
      ...(canarySelector ? { canarySelector } : {}),
      ...(baselineSelector ? { baselineSelector } : {}),
    };
  }

  const noSnapshot = (list('no-snapshot') ?? []).map((v) => {
    const m = /^([a-z0-9][a-z0-9-]{0,62}):(\/.*)$/.exec(v);
    if (!m) throw new UsageError(`--no-snapshot "${v}": expected SERVICE:/path`);
    return { service: m[1]!, target: m[2]! };
  });
  for (const k of ['secret', 'keep-env']) {
    for (const n of list(k) ?? []) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new UsageError(`--${k} "${n}": expected an env var name`);
  }
  for (const p of list('noise') ?? []) if (!p.startsWith('$')) throw new UsageError(`--noise "${p}": expected a JSONPath starting with $`);

  const featureFlags: Record<string, string | boolean | number> = {};
  for (const [k, v] of Object.entries(pairs(list('flag'), 'flag') ?? {})) featureFlags[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;

  const path = (p: string) => resolve(cwd, p);
  const incident = {
    ...(str('incident-id') ? { id: str('incident-id')! } : {}),
    ...(str('title') ? { title: str('title')! } : {}),
    ...(str('severity') ? { severity: str('severity')! } : {}),
    ...(str('started-at') ? { startedAt: str('started-at')! } : {}),
    ...(str('summary') ? { summary: str('summary')! } : {}),
  };
  const provenance = {
    ...(str('repo') ? { repo: str('repo')! } : {}),
    ...(str('commit') ? { commit: str('commit')! } : {}),
    ...(str('ref') ? { ref: str('ref')! } : {}),
    ...(str('build-id') ? { buildId: str('build-id')! } : {}),
    ...(str('deploy-id') ? { deployId: str('deploy-id')! } : {}),
    ...(str('environment') ? { environment: str('environment')! } : {}),
    ...(Object.keys(featureFlags).length ? { featureFlags } : {}),
  };
  return {
    selection,
    out: path(str('out')!),
    incident,
    provenance,
    ...(ingress ? { ingress } : {}),
    traffic: (list('traffic') ?? []).map(path),
    fixtures: (list('fixtures') ?? []).map(path),
    traces: (list('traces') ?? []).map(path),
    ...(logs ? { logs } : {}),
    ...(prometheus ? { prometheus } : {}),
    noise: { jsonPaths: list('noise') ?? [], headers: list('noise-header') ?? [] },
    overrides: { secret: list('secret') ?? [], keep: list('keep-env') ?? [] },
    noSnapshot,
    pauseForSnapshots: Boolean(values['pause-for-snapshots']),
    ...(str('sign') ? { signKey: path(str('sign')!) } : {}),
    ...(str('pack') ? { pack: path(str('pack')!) } : {}),
    redactHeaders: list('redact-header') ?? [],
  };
}

export function formatCaptureReport(r: CaptureReport): string {
  const lines = [`Captured ${r.bundle.id} — ${r.bundle.title}`, `  bundle: ${r.bundle.path}${r.bundle.packed ? ` (packed: ${r.bundle.packed})` : ''}`];
  lines.push(`  verify: ${r.verify.ok ? 'OK' : 'FAILED'}, signature ${r.verify.signature}${r.bundle.signed ? ` (key ${r.bundle.signed.keyid.slice(0, 16)}…)` : ''}`);
  for (const s of r.services) {
    lines.push(`  service ${s.name} (container ${s.container})`);
    lines.push(`    image ${s.image.ref} ${s.image.id.slice(0, 19)}… -> ${s.image.archive}`);
    for (const sn of s.snapshots) lines.push(`    snapshot ${sn.target} -> ${sn.file} (${formatBytes(sn.bytes)}${sn.paused ? ', paused' : ''})`);
    for (const sec of s.secrets) lines.push(`    secret ${sec.name}: ${sec.reason}`);
    lines.push(`    healthcheck: ${s.healthcheck}`);
  }
  for (const t of r.traffic) {
    lines.push(`  traffic ${t.file}: ${t.entries} requests`);
    for (const m of t.readdressed) lines.push(`    ${m.count} × ${m.from} -> ${m.to} (${m.why})`);
  }
  for (const h of r.redacted.har) lines.push(`  redacted ${h.count} × ${h.location} ${h.name} in ${h.file} (${h.reason})`);
  for (const n of r.notCaptured) lines.push(`  not captured: ${n.what} — ${n.why}`);
  for (const w of r.warnings) lines.push(`  ! [${w.code}] ${w.message}`);
  lines.push(`  ${r.totals.files} files, ${formatBytes(r.totals.bytes)}, ${r.totals.images} image(s), ${r.totals.snapshots} snapshot(s) in ${(r.totals.durationMs / 1000).toFixed(1)} s`);
  return lines.join('\n') + '\n';
}
