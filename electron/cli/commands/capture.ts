import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MethodInput } from '../../../shared/api/contract';
import type { CaptureReport, CaptureSelection } from '../../../shared/capture/report';
import { formatBytes } from '../../../shared/format/bytes';
import { parseDuration } from '../../../shared/format/duration';
import { parseMetricFlag } from '../../services/capture/prometheus';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { exitCode, resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'capture',
  summary: 'make a verified (optionally signed) bundle from a running compose project or containers',
  usage: `Usage: repro capture (--project NAME | --containers A,B,...) -o DIR [options]

Describes each selected container from the engine (image by id, entrypoint, command, env, ports,
healthcheck, volumes, limits), saves each image by id, snapshots every named and anonymous volume
through the engine's archive API, takes env vars that look like secrets out (names only in the
bundle), redacts credentials in HAR files, writes the manifest with digests, signs, verifies, and
only then moves the bundle into DIR. Any failure leaves nothing in DIR. See docs/capture.md.

Selection:
  --project NAME            a compose project (label com.docker.compose.project; compose v1 and v2)
  --containers A,B          containers by name or id (repeatable or comma-separated)
  -o, --out DIR             the bundle folder to create (new, or an empty folder)

Incident and provenance:
  --incident-id ID  --title T  --severity SEVn  --started-at ISO  --summary TEXT
  --repo R  --commit SHA  --ref REF  --build-id ID  --deploy-id ID  --environment ENV
  --flag NAME=VALUE         a feature flag (repeatable; true/false/numbers are typed)

Traffic and evidence:
  --ingress SERVICE[:PORT]  where replayed traffic goes when its host is not a service or a published port
  --traffic FILE.har        requests of the incident, into traffic/ (redacted, re-addressed); repeatable
  --fixtures FILE.har       external dependencies' answers, into fixtures/ (redacted); repeatable
  --traces FILE             OTLP, Jaeger or Zipkin JSON, into traces/; repeatable
  --logs SERVICE|all        container logs into logs/<service>.jsonl; repeatable
  --since DURATION          only log lines this recent (e.g. 30m, 2h)
  --noise JSONPATH          a JSON path replay ignores (e.g. $.servedAt); repeatable
  --noise-header NAME       a response header replay ignores; repeatable
  --redact-header NAME      one more header to redact in HAR files; repeatable

Metrics (Prometheus query_range; the canary section needs both selectors):
  --prometheus URL  --metric NAME[:increase|decrease|either]=PROMQL ...
  --from ISO  --to ISO  --step SECONDS|DURATION
  --canary-selector k=v ...  --baseline-selector k=v ...

Secrets (env vars are secrets when their name or value says so; see docs/capture.md):
  --secret NAME             always a secret; repeatable
  --keep-env NAME           never a secret (its value goes into the bundle); repeatable

Snapshots:
  --no-snapshot SERVICE:/path   leave that volume out (it starts empty); repeatable
  --pause-for-snapshots         pause each container while its volumes are copied (consistent data)

Output:
  --sign KEYFILE            sign with this Ed25519 private key (PEM, from repro keygen)
  --pack FILE.tgz           also write the packed bundle
  --json                    print the capture report as one JSON document

Exit 0 when the bundle is written and verifies; 1 when the capture failed (nothing is left in
DIR); 2 usage error; 130 when Ctrl-C cancelled it (and removed what was written).`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        project: { type: 'string' },
        containers: { type: 'string', multiple: true },
        out: { type: 'string', short: 'o' },
        'incident-id': { type: 'string' },
        title: { type: 'string' },
        severity: { type: 'string' },
        'started-at': { type: 'string' },
        summary: { type: 'string' },
        repo: { type: 'string' },
        commit: { type: 'string' },
        ref: { type: 'string' },
        'build-id': { type: 'string' },
        'deploy-id': { type: 'string' },
        environment: { type: 'string' },
        flag: { type: 'string', multiple: true },
        ingress: { type: 'string' },
        traffic: { type: 'string', multiple: true },
        fixtures: { type: 'string', multiple: true },
        traces: { type: 'string', multiple: true },
        logs: { type: 'string', multiple: true },
        since: { type: 'string' },
        noise: { type: 'string', multiple: true },
        'noise-header': { type: 'string', multiple: true },
        'redact-header': { type: 'string', multiple: true },
        prometheus: { type: 'string' },
        metric: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        step: { type: 'string' },
        'canary-selector': { type: 'string', multiple: true },
        'baseline-selector': { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        'keep-env': { type: 'string', multiple: true },
        'no-snapshot': { type: 'string', multiple: true },
        'pause-for-snapshots': { type: 'boolean' },
        sign: { type: 'string' },
        pack: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    const input = parseCaptureFlags(values, io.cwd);
    const wb = createWorkbench({ host: 'cli', env: io.env });
    // The same operation the UI runs: progress on stderr, Ctrl-C cancels (and nothing is left).
    const end = await runCliOperation(io, wb, 'capture.run', input);
    const report = resultOrThrow(end);
    if (values.json) printJson(io, report);
    else io.stdout(formatCaptureReport(report));
    return exitCode(end, 0);
  },
};

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
