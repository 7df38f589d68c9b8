import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { ingressPort, type BundleManifest } from '../../../shared/bundle/manifest';
import { redact } from '../../../shared/record/redact';
import { checkServices, parseRunbook, runSteps, type RunAllResult, type RunbookStep, type StepOutcome, type StepRunResult } from '../../../shared/runbook';
import { execInService, getSession, type SessionInfo } from '../environments';
import { ExecStoppedError } from '../environments/docker-streams';
import type { RecordDb } from '../record/db';
import { readBundleFileSync, MAX_MANIFEST_BYTES } from '../bundles/bundle-path';

/** The replay a `replay` step runs (the replay area's runReplay, bound to the session and bundle). */
export type ReplayRunner = (opts: { session: SessionInfo; mode?: string; concurrency?: number; signal?: AbortSignal }) => Promise<ReplayReportLike>;

/** The fields of a replay report a runbook step looks at (the whole report is kept as the step's JSON). */
export interface ReplayReportLike {
  total: number;
  sent: number;
  matched: number;
  mismatched: number;
  errors: number;
  cancelled?: boolean;
  [key: string]: unknown;
}

export interface RunRunbookOptions {
  docker: Docker;
  stateDir: string;
  session: string;
  /** The runbook text (the workspace's working copy, or the bundle's). */
  text: string;
  record?: RecordDb;
  replay?: ReplayRunner;
  /** Run only steps with from <= index < to (a single Run button is from=i, to=i+1). */
  from?: number;
  to?: number;
  onStepStart?: (step: RunbookStep) => void;
  onOutput?: (index: number, chunk: string) => void;
  onStepDone?: (result: StepRunResult) => void;
  signal?: AbortSignal;
  /** Default time limit of sh and http steps without a timeout attribute. */
  defaultTimeoutMs?: number;
}

/** A step's output kept in the record is capped; the live stream and the returned result carry it whole. */
const RECORDED_OUTPUT_LIMIT = 256 * 1024;

/**
 * Run a runbook's executable steps against a running session, in order, recording each step run
 * (its text, output, exit code, expectation result) in the session's record. Secret values of
 * the session's containers are scrubbed from every output before it is returned or recorded.
 */
export async function runRunbook(opts: RunRunbookOptions): Promise<RunAllResult> {
  const session = await getSession(opts.docker, opts.stateDir, opts.session);
  if (session.phase !== 'running') throw new WorkbenchError('conflict', `session "${session.name}" is ${session.phase}, not running; bring it up first (repro up)`);
  const manifest = readManifest(session);
  const parsed = parseRunbook(opts.text);
  const steps = checkServices(parsed.steps, session.services.map((s) => s.name));
  const secrets = { names: secretNames(manifest), values: await secretValues(opts.docker, session, manifest) };
  const scrub = (s: string) => redact(s, secrets);
  const recordRef = { name: session.name, bundleId: session.bundleId, createdAt: session.createdAt, bundleRoot: session.bundleRoot, bundleSource: session.bundleSource };
  const defaultTimeout = opts.defaultTimeoutMs ?? 120_000;

  const execute = async (step: Exclude<RunbookStep, { kind: 'expect' }>): Promise<StepOutcome> => {
    switch (step.kind) {
      case 'sh': {
        try {
          const result = await execInService(opts.docker, opts.stateDir, session.name, step.service, ['/bin/sh', '-c', step.body], {
            timeoutMs: step.timeoutMs ?? defaultTimeout,
            // A step that runs out of time or is stopped is killed with what it started, not left running.
            stoppable: true,
            ...(opts.signal ? { signal: opts.signal } : {}),
            ...(opts.onOutput ? { onOutput: (chunk: string) => opts.onOutput!(step.index, scrub(chunk)) } : {}),
          });
          return { exitCode: result.exitCode, output: scrub(result.output) };
        } catch (err) {
          if (!(err instanceof ExecStoppedError)) throw err;
          // 124 and 130: what timeout(1) and a shell report for a timed-out and an interrupted command.
          return { exitCode: err.reason === 'timeout' ? 124 : 130, output: scrub(err.output), error: err.message };
        }
      }
      case 'http':
        return sendHttpStep(step, session, manifest, step.timeoutMs ?? defaultTimeout, opts.signal, (chunk) => opts.onOutput?.(step.index, scrub(chunk)), scrub);
      case 'replay': {
        if (!opts.replay) throw new WorkbenchError('unavailable', 'replay is not available here');
        const report = await opts.replay({ session, ...(step.mode ? { mode: step.mode } : {}), ...(step.concurrency ? { concurrency: step.concurrency } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
        const output = scrub(JSON.stringify(report, null, 2));
        opts.onOutput?.(step.index, `${report.matched}/${report.sent} matched, ${report.mismatched} mismatched, ${report.errors} errors\n`);
        const clean = JSON.parse(output) as unknown;
        return { exitCode: report.mismatched === 0 && report.errors === 0 && !report.cancelled ? 0 : 1, output, json: clean };
      }
    }
  };

  // A lone expectation (its own Run button) checks what the step before it last produced in this session.
  const from = opts.from ?? 0;
  const previous = from > 0 && steps[from]?.kind === 'expect' ? previousOutcome(opts.record, session, steps, from) : undefined;

  return runSteps(steps, {
    execute,
    ...(previous ? { previous } : {}),
    from,
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onStepStart ? { onStepStart: opts.onStepStart } : {}),
    onStepDone(result, step) {
      const error = result.error ? scrub(result.error) : undefined;
      const clean = { ...result, ...(error ? { error } : {}) };
      opts.record?.recordEvent(
        recordRef,
        {
          kind: 'step',
          at: result.startedAt,
          data: {
            index: step.index,
            kind: step.kind,
            ...(result.service ? { service: result.service } : {}),
            info: step.info,
            text: step.body,
            line: step.range.startLine,
            exitCode: result.exitCode,
            ...(result.status !== undefined ? { status: result.status } : {}),
            output: result.output.length > RECORDED_OUTPUT_LIMIT ? `${result.output.slice(0, RECORDED_OUTPUT_LIMIT)}\n… (${result.output.length - RECORDED_OUTPUT_LIMIT} more characters not recorded)` : result.output,
            ...(result.expectation ? { expectation: result.expectation } : {}),
            ok: result.ok,
            ...(error ? { error } : {}),
            durationMs: result.durationMs,
          },
        },
        { secretValues: secrets.values },
      );
      opts.onStepDone?.(clean);
    },
  });
}

function readManifest(session: SessionInfo): BundleManifest | undefined {
  try {
    return JSON.parse(readBundleFileSync(session.bundleRoot, 'bundle.json', { maxBytes: MAX_MANIFEST_BYTES })) as BundleManifest;
  } catch {
    return undefined;
  }
}

function secretNames(manifest: BundleManifest | undefined): string[] {
  return [...new Set((manifest?.services ?? []).flatMap((s) => (s.secrets ?? []).map((x) => x.name)))];
}

/** The values the containers got for the manifest's secrets, read from the engine so outputs can be scrubbed of them. */
async function secretValues(docker: Docker, session: SessionInfo, manifest: BundleManifest | undefined): Promise<string[]> {
  const names = new Set(secretNames(manifest));
  if (names.size === 0) return [];
  const values: string[] = [];
  for (const s of session.services) {
    if (!s.containerId) continue;
    const info = await docker
      .getContainer(s.containerId)
      .inspect()
      .catch(() => null);
    for (const entry of info?.Config?.Env ?? []) {
      const eq = entry.indexOf('=');
      if (eq > 0 && names.has(entry.slice(0, eq)) && entry.length > eq + 1) values.push(entry.slice(eq + 1));
    }
  }
  return values;
}

/**
 * The URL a step's path is sent to: always on the endpoint's origin. The path is appended to the
 * origin, never resolved as a relative reference (`//host/x` or `/\\host/x` would name another
 * host), and the origin is checked again after parsing.
 */
export function sessionEndpointUrl(endpointUrl: string, path: string): URL {
  const origin = new URL(endpointUrl).origin;
  const url = new URL(`${origin}${path.startsWith('/') ? '' : '/'}${path}`);
  if (url.origin !== origin) throw new WorkbenchError('forbidden', `the step's target ${JSON.stringify(path)} does not stay on the session endpoint ${origin}; not sent`);
  return url;
}

/** Like replay: the URL's host names the service, the request goes to its published ingress endpoint. */
async function sendHttpStep(
  step: Extract<RunbookStep, { kind: 'http' }>,
  session: SessionInfo,
  manifest: BundleManifest | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onOutput: (chunk: string) => void,
  scrub: (s: string) => string,
): Promise<StepOutcome> {
  const req = step.request!;
  const svc = session.services.find((s) => s.name === req.service);
  if (!svc) throw new WorkbenchError('not_found', `session "${session.name}" has no service "${req.service}"`);
  const spec = manifest?.services.find((s) => s.name === req.service);
  const port = spec ? ingressPort(spec) : undefined;
  const endpoint = (port !== undefined ? svc.endpoints.find((e) => e.container === port) : undefined) ?? (svc.endpoints.length === 1 ? svc.endpoints[0] : undefined);
  if (!endpoint) throw new WorkbenchError('not_found', `service "${req.service}" has no published ingress endpoint (ports: ${svc.endpoints.map((e) => e.container).join(', ') || 'none'})`);
  const url = sessionEndpointUrl(endpoint.url, req.path);
  const headers = new Headers();
  for (const [name, value] of req.headers) if (name.toLowerCase() !== 'host') headers.append(name, value);
  // A ref'd timer, not AbortSignal.timeout (unref'd): a request whose connection is held open
  // keeps no handle, and a CLI run must not exit while it waits (see health.ts).
  const timer = new AbortController();
  const timeout = timer.signal;
  const clock = setTimeout(() => timer.abort(), timeoutMs);
  const res = await fetch(url, {
    method: req.method,
    headers,
    ...(req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD' ? { body: req.body } : {}),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    redirect: 'manual',
  }).catch((err: Error) => {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new Error(`${req.method} ${url.href} failed: ${timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause ?? err.message)}`);
  }).catch((err: Error) => {
    clearTimeout(clock);
    throw err;
  });
  const body = scrub(await res.text().finally(() => clearTimeout(clock)));
  onOutput(`HTTP ${res.status} ${res.statusText}\n${body}`);
  return { exitCode: 0, status: res.status, output: body };
}

/** The last recorded outcome of the step before `index` in this session, for a lone expectation. */
function previousOutcome(record: RecordDb | undefined, session: SessionInfo, steps: RunbookStep[], index: number) {
  let p = index - 1;
  while (p >= 0 && steps[p]!.kind === 'expect') p--;
  const target = steps[p];
  if (!record || !target || target.kind === 'expect') return undefined;
  const rec = record.getSession(session.name);
  if (!rec) return undefined;
  const events = record.events(rec.id, { kinds: ['step'] });
  for (let i = events.length - 1; i >= 0; i--) {
    const d = events[i]!.data as { index?: number; kind?: string; text?: string; exitCode?: number; output?: string; status?: number; error?: string };
    if (d.index === target.index && d.kind === target.kind && d.text === target.body) {
      if (d.error) return undefined;
      return { kind: target.kind, outcome: { exitCode: d.exitCode ?? 0, output: d.output ?? '', ...(d.status !== undefined ? { status: d.status } : {}) } };
    }
  }
  return undefined;
}
