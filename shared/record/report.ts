import { describeGameday, gamedayReportBlocks } from '../gameday/report';
import { renderHtml, renderMarkdown, type DocBlock } from './document';
import type { SignatureStatus } from '../bundle/dsse';
import { trustStatement } from '../bundle/report';
import { formatDuration } from './stats';
import { EVIDENCE_LABEL, EVIDENCE_VERDICT_LABEL, VERDICT_LABEL, type RecordedVerdict } from '../verdict/types';
import type { Mark, RecordEvent, SessionSummary } from './types';
import { formatRate } from '../replay/report';

/** Everything a postmortem-ready report is built from: the record alone (the bundle may be gone). */
export interface ReportInput {
  summary: SessionSummary;
  events: RecordEvent[];
  marks: Mark[];
  generatedAt: number;
  generator: string;
}

export type ReportFormat = 'md' | 'html';

const MAX_OUTPUT_CHARS = 20_000;

export function renderReport(input: ReportInput, format: ReportFormat): string {
  const blocks = buildReport(input);
  const title = reportTitle(input);
  return format === 'html' ? renderHtml(title, blocks) : renderMarkdown(blocks);
}

function reportTitle(input: ReportInput): string {
  const inc = input.summary.session.context.incident;
  return `Reproduction report: ${inc ? `${inc.id} ${inc.title}` : input.summary.session.bundleId}`;
}

export function buildReport(input: ReportInput): DocBlock[] {
  const { summary, events } = input;
  const { session } = summary;
  const ctx = session.context;
  const start = summary.firstEventAt ?? session.createdAt;
  const rel = (at: number) => `+${formatDuration(at - start)}`;
  const iso = (at: number) => new Date(at).toISOString();
  const of = (kind: RecordEvent['kind']) => events.filter((e) => e.kind === kind);
  const b: DocBlock[] = [];

  b.push({ type: 'heading', level: 1, text: reportTitle(input) });
  b.push({
    type: 'fields',
    rows: [
      ['Session', session.name],
      ['Started', iso(start)],
      ...(summary.lastEventAt !== undefined ? ([['Last action', iso(summary.lastEventAt)]] as Array<[string, string]>) : []),
      ['Generated', `${iso(input.generatedAt)} by ${input.generator}`],
    ],
  });

  // Verdict first: it is what a postmortem reader looks for.
  b.push(...verdictSection(input));

  b.push({ type: 'heading', level: 2, text: 'Incident' });
  if (ctx.incident) {
    const i = ctx.incident;
    b.push({
      type: 'fields',
      rows: compact([
        ['Id', i.id],
        ['Title', i.title],
        ['Severity', i.severity],
        ['Started', i.startedAt],
        ['Detected', i.detectedAt],
        ['Resolved', i.resolvedAt],
      ]),
    });
    if (i.summary) b.push({ type: 'paragraph', text: i.summary });
  } else b.push({ type: 'paragraph', text: `Bundle ${session.bundleId} (the incident details were not captured in this record).` });

  b.push({ type: 'heading', level: 2, text: 'Provenance' });
  const prov = (ctx.provenance ?? undefined) as
    | { source?: { repo?: string; commit?: string; ref?: string }; build?: Record<string, unknown>; deploy?: Record<string, unknown>; featureFlags?: Record<string, unknown> }
    | undefined;
  if (prov) {
    b.push({
      type: 'fields',
      rows: compact([
        ['Source', prov.source ? `${prov.source.repo ?? '?'} @ ${prov.source.commit ?? '?'}${prov.source.ref ? ` (${prov.source.ref})` : ''}` : undefined],
        ['Build', prov.build ? flat(prov.build) : undefined],
        ['Deploy', prov.deploy ? flat(prov.deploy) : undefined],
        ['Feature flags', prov.featureFlags ? flat(prov.featureFlags) : undefined],
        ['Bundle', ctx.bundleSource],
      ]),
    });
  } else b.push({ type: 'paragraph', text: 'Not recorded.' });

  b.push({ type: 'heading', level: 2, text: 'Verification' });
  const verify = of('verify').at(-1)?.data as
    | { ok?: boolean; signature?: { status?: string; keyid?: string }; files?: { checked?: number; failed?: number }; problems?: Array<{ code?: string; path?: string; message?: string }>; warnings?: Array<{ message?: string }> }
    | undefined;
  if (verify) {
    b.push({ type: 'verdict', ok: verify.ok ?? null, text: verify.ok ? 'Bundle verified' : 'Bundle verification failed' });
    b.push({
      type: 'fields',
      rows: compact([
        ['Signature', verify.signature ? `${verify.signature.status ?? '?'}${verify.signature.keyid ? ` (key ${verify.signature.keyid.slice(0, 16)}…)` : ''}` : undefined],
        ['Trust', isSignatureStatus(verify.signature?.status) ? trustStatement({ status: verify.signature.status, keyid: verify.signature.keyid }).text : undefined],
        ['Files', verify.files ? `${verify.files.checked ?? 0} checked, ${verify.files.failed ?? 0} failed` : undefined],
      ]),
    });
    const issues = [...(verify.problems ?? []).map((p) => `${p.code ?? 'problem'}: ${p.message ?? ''}${p.path ? ` (${p.path})` : ''}`), ...(verify.warnings ?? []).map((w) => `warning: ${w.message ?? ''}`)];
    if (issues.length > 0) b.push({ type: 'list', items: issues });
  } else if (of('up').length > 0) b.push({ type: 'paragraph', text: 'The environment came up only after the bundle verified (up refuses unverified bundles); no separate verification result was recorded.' });
  else b.push({ type: 'paragraph', text: 'Not recorded.' });

  b.push({ type: 'heading', level: 2, text: 'Environment and drift' });
  const up = of('up').at(-1);
  const upData = (up?.data ?? {}) as {
    services?: Array<{ name?: string; state?: string; health?: string; endpoints?: Array<{ container?: number; url?: string }> }>;
    drift?: DriftLike[];
    sandbox?: { egress?: string; verified?: boolean; notes?: string[] };
  };
  if (upData.sandbox) b.push({ type: 'fields', rows: [['Sandbox', sandboxText(upData.sandbox)]] });
  const images = new Map((ctx.services ?? []).map((s) => [s.name, s]));
  const services = upData.services ?? (ctx.services ?? []).map((s) => ({ name: s.name }));
  if (services.length > 0) {
    b.push({
      type: 'table',
      header: ['Service', 'Image', 'State', 'Health', 'Endpoints'],
      rows: services.map((s) => {
        const img = images.get(s.name ?? '');
        return [
          s.name ?? '?',
          img ? `${img.imageRef ?? ''}${img.imageId ? ` (${img.imageId.slice(0, 19)}…)` : ''}` : '',
          'state' in s ? String(s.state ?? '') : '',
          'health' in s ? String(s.health ?? '') : '',
          'endpoints' in s ? (s.endpoints ?? []).map((e) => `${e.container}→${e.url}`).join(', ') : '',
        ];
      }),
    });
  } else b.push({ type: 'paragraph', text: 'No environment was brought up in this session.' });
  const driftChecks: Array<{ at: number; items: DriftLike[] }> = [
    ...(up && Array.isArray(upData.drift) ? [{ at: up.at, items: upData.drift }] : []),
    ...of('drift').map((e) => ({ at: e.at, items: driftItems(e.data) })),
  ];
  if (driftChecks.length === 0) b.push({ type: 'paragraph', text: 'Drift: not checked.' });
  else {
    const last = driftChecks[driftChecks.length - 1]!;
    if (last.items.length === 0) b.push({ type: 'paragraph', text: `Drift: none (latest check ${rel(last.at)}; the environment matched the bundle).` });
    else
      b.push({
        type: 'table',
        header: ['Service', 'Field', 'Captured', 'Running'],
        rows: last.items.map((d) => [d.service ?? '', d.field ?? '', short(d.expected), short(d.actual)]),
      });
  }

  b.push({ type: 'heading', level: 2, text: 'Runbook steps run' });
  const steps = of('step');
  if (steps.length === 0) b.push({ type: 'paragraph', text: 'No runbook step was run.' });
  for (const e of steps) {
    const s = e.data as StepData;
    const head = `${rel(e.at)} step ${Number(s.index ?? 0) + 1}: ${s.kind ?? '?'}${s.service ? ` on ${s.service}` : ''} ${s.ok ? 'ok' : 'FAILED'}`;
    b.push({ type: 'heading', level: 3, text: head });
    if (s.text !== undefined) b.push({ type: 'code', text: s.text, lang: s.kind === 'http' ? 'http' : s.kind === 'sh' ? 'sh' : '' });
    b.push({
      type: 'fields',
      rows: compact([
        ['Exit code', s.exitCode !== undefined ? String(s.exitCode) : undefined],
        ['HTTP status', s.status !== undefined ? String(s.status) : undefined],
        ['Duration', s.durationMs !== undefined ? formatDuration(s.durationMs) : undefined],
        ['Error', s.error],
      ]),
    });
    if (s.expectation) b.push({ type: 'list', items: s.expectation.results.map((r) => `${r.ok ? 'PASS' : 'FAIL'} ${r.assertion}: ${r.message}`) });
    else if (s.output) b.push({ type: 'code', text: clip(s.output) });
  }

  b.push({ type: 'heading', level: 2, text: 'Replay results' });
  const replays = of('replay');
  if (replays.length === 0) b.push({ type: 'paragraph', text: 'No replay was run.' });
  else {
    b.push({
      type: 'table',
      header: ['When', 'Mode', 'Sent', 'Matched', 'Mismatched', 'Errors', 'Success', 'Latency (recorded → replayed p99)'],
      rows: replays.map((e) => {
        const r = e.data as ReplayLike;
        return [
          rel(e.at),
          `${String(r.mode ?? '')}${r.cancelled ? ' (cancelled)' : ''}`,
          `${r.sent ?? '?'}/${r.total ?? '?'}`,
          String(r.matched ?? ''),
          String(r.mismatched ?? ''),
          String(r.errors ?? ''),
          formatRate(r.successRate),
          latencyCell(r),
        ];
      }),
    });
    const last = replays[replays.length - 1]!.data as ReplayLike;
    // The record keeps a replay's summary with its `mismatches`; a full report has `results`.
    const bad = (last.mismatches ?? last.results ?? []).filter((r) => r.outcome && r.outcome !== 'matched').slice(0, 10);
    if (bad.length > 0) {
      b.push({ type: 'paragraph', text: 'Differences in the latest replay (first 10):' });
      b.push({ type: 'table', header: ['Request', 'Recorded', 'Replayed', 'Difference'], rows: bad.map((r) => [`${r.method ?? ''} ${r.url ?? ''}`, String(r.recordedStatus ?? ''), String(r.status ?? 'no response'), short(r.diff ?? r.error ?? '', 300)]) });
    }
  }

  b.push({ type: 'heading', level: 2, text: 'Trace and metric findings' });
  const findings = [...of('traces'), ...of('canary')];
  if (findings.length === 0) b.push({ type: 'paragraph', text: 'None recorded.' });
  for (const e of findings) {
    b.push({ type: 'heading', level: 3, text: `${rel(e.at)} ${e.kind === 'canary' ? 'Canary judgement' : 'Traces'}` });
    b.push({ type: 'fields', rows: summarize(e.data) });
  }

  const logs = of('logs');
  if (logs.length > 0) {
    // The latest comparison says what the reproduction logs now; earlier ones stay in the timeline.
    const e = logs[logs.length - 1]!;
    const d = e.data as LogsEvidence;
    b.push({ type: 'heading', level: 2, text: 'Logs: reproduction vs incident' });
    b.push({
      type: 'paragraph',
      text: `${rel(e.at)}: of the incident's ${d.incident?.errorTemplates ?? 0} error templates, the reproduction logged ${d.reproduced?.length ?? 0} and did not log ${d.missing?.length ?? 0}; it also logged ${d.new?.length ?? 0} template(s) the incident did not.`,
    });
    const rows = [...(d.reproduced ?? []).map((r) => ['reproduced', r] as const), ...(d.missing ?? []).map((r) => ['missing', r] as const), ...(d.new ?? []).slice(0, 10).map((r) => ['new', r] as const)];
    if (rows.length) b.push({ type: 'table', header: ['', 'Template', 'Level', 'Incident lines', 'Reproduction lines'], rows: rows.map(([k, r]) => [k, short(r.template ?? '', 200), String(r.level ?? ''), String(r.incident ?? 0), String(r.repro ?? 0)]) });
  }

  const faults = of('fault');
  if (faults.length > 0) {
    b.push({ type: 'heading', level: 2, text: 'Faults injected' });
    b.push({ type: 'table', header: ['When', 'Fault'], rows: faults.map((e) => [rel(e.at), summarize(e.data).map(([k, v]) => `${k}: ${v}`).join('; ')]) });
  }

  b.push(...gamedayReportBlocks(events, rel));

  b.push({ type: 'heading', level: 2, text: 'Timeline' });
  b.push({
    type: 'table',
    header: ['Time', 'Since start', 'What'],
    rows: events.map((e) => [iso(e.at), rel(e.at), describeEvent(e)]),
  });
  return b;
}

/**
 * The report's first section: the session's verdict and time to reproduce, whose word it is (a
 * person's mark, which wins, or the workbench's computed verdict), and the computed verdict with
 * the sentences that decide it and each piece of evidence, as the record last kept it.
 */
function verdictSection(input: ReportInput): DocBlock[] {
  const { summary } = input;
  const b: DocBlock[] = [{ type: 'heading', level: 2, text: 'Reproduction verdict' }];
  const latestMark = input.marks[input.marks.length - 1];
  const computedEvent = input.events.filter((e) => e.kind === 'verdict').at(-1);
  const computed = computedEvent?.data as RecordedVerdict | undefined;
  if (summary.verdict) {
    const ttr = summary.timeToReproduceMs !== undefined ? ` in ${formatDuration(summary.timeToReproduceMs)} (first action to the first "reproduced" verdict)` : '';
    const whose = summary.verdictSource === 'computed' ? ' (computed by the workbench; no person has marked it yet)' : ' (marked by a person)';
    b.push({ type: 'verdict', ok: summary.verdict === 'reproduced', text: `${summary.verdict === 'reproduced' ? `Reproduced${ttr}` : 'Not reproducible'}${whose}` });
  } else {
    b.push({ type: 'verdict', ok: null, text: computed ? `${VERDICT_LABEL[computed.verdict]}: no verdict yet` : 'No verdict yet' });
  }
  if (latestMark) {
    const said = latestMark.computed
      ? latestMark.agrees === undefined
        ? ` The workbench had computed "${VERDICT_LABEL[latestMark.computed.verdict].toLowerCase()}".`
        : latestMark.agrees
          ? ' This confirms the computed verdict.'
          : ` This overrides the computed verdict ("${VERDICT_LABEL[latestMark.computed.verdict].toLowerCase()}", ${latestMark.computed.confidence} confidence).`
      : '';
    b.push({ type: 'paragraph', text: `Marked ${latestMark.verdict} at ${new Date(latestMark.at).toISOString()}.${said}${latestMark.note ? ` Note: ${latestMark.note}` : ''}` });
    if (latestMark.evidence.length > 0) b.push({ type: 'list', items: latestMark.evidence.map((e) => `Evidence: event #${e.eventId} ${e.label ?? e.kind ?? ''}`.trim()) });
  }
  if (computed) {
    b.push({ type: 'paragraph', text: `The workbench's verdict${computedEvent ? ` (as of ${new Date(computedEvent.at).toISOString()})` : ''}: ${VERDICT_LABEL[computed.verdict]}, ${computed.confidence} confidence. ${computed.reasons.join(' ')}` });
    b.push({ type: 'table', header: ['Evidence', 'Verdict', 'Explanation'], rows: computed.evidence.map((e) => [EVIDENCE_LABEL[e.kind], EVIDENCE_VERDICT_LABEL[e.verdict], e.explanation]) });
  } else b.push({ type: 'paragraph', text: 'The workbench has computed no verdict for this session (nothing to judge was recorded).' });
  return b;
}

interface LogsEvidence {
  incident?: { errorTemplates?: number };
  reproduced?: LoggedTemplate[];
  missing?: LoggedTemplate[];
  new?: LoggedTemplate[];
}
interface LoggedTemplate {
  template?: string;
  level?: string;
  incident?: number;
  repro?: number;
}

interface StepData {
  index?: number;
  kind?: string;
  service?: string;
  text?: string;
  exitCode?: number;
  status?: number;
  output?: string;
  ok?: boolean;
  error?: string;
  durationMs?: number;
  expectation?: { ok: boolean; results: Array<{ assertion: string; ok: boolean; message: string }> };
}
interface DriftLike {
  service?: string;
  field?: string;
  expected?: unknown;
  actual?: unknown;
}
interface ReplayLike {
  mode?: string;
  /** Stopped before every request completed: the counts cover what did. */
  cancelled?: boolean;
  total?: number;
  sent?: number;
  matched?: number;
  mismatched?: number;
  errors?: number;
  successRate?: number | null;
  latency?: { recorded?: { p99?: number }; replayed?: { p99?: number }; judgement?: { verdict?: string }; recordedP99?: number; replayedP99?: number; verdict?: string };
  results?: ReplayRow[];
  mismatches?: ReplayRow[];
}
interface ReplayRow {
  method?: string;
  url?: string;
  status?: number | null;
  recordedStatus?: number;
  outcome?: string;
  diff?: string;
  error?: string;
}

function latencyCell(r: ReplayLike): string {
  const l = r.latency;
  if (!l) return '';
  const recorded = l.recordedP99 ?? l.recorded?.p99;
  const replayed = l.replayedP99 ?? l.replayed?.p99;
  const verdict = l.verdict ?? l.judgement?.verdict;
  if (recorded === undefined || replayed === undefined) return '';
  return `${Math.round(recorded)} ms → ${Math.round(replayed)} ms${verdict ? ` (${verdict})` : ''}`;
}

export function describeEvent(e: RecordEvent): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  switch (e.kind) {
    case 'up': {
      const egress = (d.sandbox as { egress?: string } | undefined)?.egress;
      return `environment up (${Array.isArray(d.services) ? d.services.length : '?'} services${Array.isArray(d.drift) ? `, ${d.drift.length} drift` : ''}${egress === 'open' ? ', egress allowed' : egress === 'sealed' ? ', sealed' : ''})`;
    }
    case 'down':
      return 'environment down';
    case 'drift':
      return `drift check: ${driftItems(d).length} difference(s)`;
    case 'verify':
      return `bundle verification: ${d.ok ? 'ok' : 'failed'}`;
    case 'replay':
      return `replay ${String(d.mode ?? '')}: ${String(d.matched ?? '?')}/${String(d.sent ?? '?')} matched${d.cancelled ? ' (cancelled)' : ''}`;
    case 'step': {
      const s = d as StepData;
      return `runbook step ${Number(s.index ?? 0) + 1} (${s.kind ?? '?'}${s.service ? ` on ${s.service}` : ''}): ${s.ok ? 'ok' : 'failed'}${s.exitCode !== undefined ? `, exit ${s.exitCode}` : ''}`;
    }
    case 'note':
      return `note: ${String(d.text ?? '')}`;
    case 'marked':
      return `marked ${String(d.verdict ?? '')}${d.note ? `: ${String(d.note)}` : ''}${d.agrees === false ? ' (overriding the computed verdict)' : d.agrees === true ? ' (confirming the computed verdict)' : ''}`;
    case 'verdict': {
      const v = d as Partial<RecordedVerdict>;
      return `computed verdict: ${v.verdict ? VERDICT_LABEL[v.verdict].toLowerCase() : '?'} (${String(v.confidence ?? '?')} confidence)${v.reasons?.[0] ? `: ${v.reasons[0]}` : ''}`;
    }
    case 'logs': {
      const l = d as LogsEvidence;
      return `logs compared with the incident: ${l.reproduced?.length ?? 0} error template(s) reproduced, ${l.missing?.length ?? 0} missing, ${l.new?.length ?? 0} new`;
    }
    case 'gameday':
      return describeGameday(d);
    default:
      return `${e.kind}: ${summarize(d)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`;
  }
}

function driftItems(data: unknown): DriftLike[] {
  if (Array.isArray(data)) return data as DriftLike[];
  const d = data as { drift?: unknown; items?: unknown } | null;
  if (d && Array.isArray(d.drift)) return d.drift as DriftLike[];
  if (d && Array.isArray(d.items)) return d.items as DriftLike[];
  return [];
}

/** Scalar fields (and those of a `summary` object) as label/value rows, for event data of areas whose shape this report does not know. */
function summarize(data: unknown): Array<[string, string]> {
  if (data === null || typeof data !== 'object') return [['value', short(data)]];
  const rows: Array<[string, string]> = [];
  const take = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) rows.push([`${prefix}${k}`, short(v)]);
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) rows.push([`${prefix}${k}`, short(v.join(', '))]);
    }
  };
  const d = data as Record<string, unknown>;
  take(d, '');
  for (const key of ['summary', 'score', 'findings']) if (d[key] && typeof d[key] === 'object' && !Array.isArray(d[key])) take(d[key] as Record<string, unknown>, `${key}.`);
  return rows.slice(0, 30);
}

function flat(obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

function short(v: unknown, n = 160): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function clip(output: string): string {
  if (output.length <= MAX_OUTPUT_CHARS) return output;
  return `${output.slice(0, MAX_OUTPUT_CHARS)}\n… (${output.length - MAX_OUTPUT_CHARS} more characters in the record)`;
}

function compact(rows: Array<[string, string | undefined]>): Array<[string, string]> {
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

const SIGNATURE_STATUSES: readonly string[] = ['trusted', 'untrusted', 'invalid', 'unsigned'] satisfies SignatureStatus[];
function isSignatureStatus(v: unknown): v is SignatureStatus {
  return typeof v === 'string' && SIGNATURE_STATUSES.includes(v);
}

/** What the session could reach, as the report says it. */
function sandboxText(s: { egress?: string; verified?: boolean; notes?: string[] }): string {
  const head =
    s.egress === 'open'
      ? 'egress allowed (--allow-egress): the containers could reach the internet, the LAN and this machine'
      : `sealed${s.verified ? ' (checked)' : ''}: the containers reached each other and the session agent only`;
  return [head, ...(s.egress === 'open' ? [] : (s.notes ?? []))].join('; ');
}
