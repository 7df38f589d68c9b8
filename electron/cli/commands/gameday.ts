import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkbenchError } from '../../../shared/api/errors';
import { statusText, type GamedayJournal, type GamedayLiveEvent, type GamedayPlan } from '../../../shared/gameday/journal';
import { formatProblem } from '../../../shared/gameday/validate';
import { parseScenarioSource, readScenarioFrom, runGameday } from '../../services/gameday';
import { createWorkbench } from '../../services/workbench';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { exitCode, resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command: CliCommand = {
  name: 'gameday',
  summary: 'validate and run a fault scenario (repro.gameday/v1) against a session',
  usage: `Usage: repro gameday validate FILE|BUNDLE [--scenario NAME] [--json]
       repro gameday run FILE|BUNDLE --session NAME [--scenario NAME] [--dry-run] [--json]

validate  Checks a scenario (YAML or JSON, spec: docs/gamedays.md) and prints every problem
          with its place (line:column path: reason). Exit 0 when valid, 1 when not.
run       Runs it against a running session: resolves every target to a container of that
          session (a target outside it refuses the run), checks the steady state (the
          hypothesis' probes), then runs the method (faults on their timeline, probes sampled,
          the optional load sent), reverts every fault, checks the steady state again and
          looks for residue. The journal is kept with the session and in its record (repro
          report). Ctrl-C (or SIGTERM) halts: every active fault is reverted within 2 s and
          the journal is still printed and kept (exit 130).
          A BUNDLE (folder or archive) takes its scenario from gamedays/NAME.yaml (--scenario
          NAME; not needed when it has one).

Options:
  --session NAME   the session to run against (see repro status)
  --scenario NAME  which of a bundle's game days
  --dry-run        print the resolved plan and change nothing
  --json           one JSON document: the journal (run), the plan (--dry-run),
                   {"ok","problems":[{path,message,line,column}]} (validate); a refused run is
                   {"error":{code,message,details:{problems}}}

Exit 0: valid / the run completed (the steady state held again after the method);
1: invalid, refused, or the run ended deviated, stopped, failed or not-started;
130: halted (Ctrl-C, SIGTERM, the workbench's Halt); 2: usage error.`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      options: { session: { type: 'string' }, scenario: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (sub !== 'validate' && sub !== 'run') throw new UsageError(sub ? `unknown subcommand "${sub}" (validate, run)` : 'expected a subcommand: validate or run');
    if (positionals.length !== 1) throw new UsageError('expected exactly one scenario file or bundle');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const text = await readScenarioFrom(resolve(io.cwd, positionals[0]!), { ...(values.scenario ? { scenario: values.scenario } : {}), workDir: resolve(wb.stateDir, 'bundles') });
    const loaded = parseScenarioSource(text);

    if (sub === 'validate') {
      if (values.json) printJson(io, { ok: loaded.ok, source: text.label, problems: loaded.ok ? [] : loaded.problems });
      else if (loaded.ok) io.stdout(`${text.label}: valid (${loaded.scenario.steps.length} step(s), ${loaded.scenario.hypothesis.probes.length} probe(s))\n`);
      else io.stdout(`${loaded.problems.map((p) => formatProblem(p, text.label)).join('\n')}\n${loaded.problems.length} problem(s)\n`);
      return loaded.ok ? 0 : 1;
    }

    if (!values.session) throw new UsageError('--session NAME is required (see repro status)');
    if (!loaded.ok) {
      if (!values.json) io.stderr(`${loaded.problems.map((p) => formatProblem(p, text.label)).join('\n')}\n`);
      throw new WorkbenchError('invalid_argument', `${text.label} is not a valid scenario (${loaded.problems.length} problem(s)); nothing was changed`, { problems: loaded.problems });
    }
    if (values['dry-run']) {
      const { plan } = await runGameday({ docker: wb.docker, stateDir: wb.stateDir, session: values.session, scenario: loaded.scenario, source: text, dryRun: true });
      if (values.json) printJson(io, plan);
      else printPlan(io, plan);
      return plan.problems.length ? 1 : 0;
    }
    // The gameday.run operation, as the UI runs it: one game day per session across processes
    // (the workbench's Halt reaches us as SIGINT), Ctrl-C or SIGTERM halts it (op.cancel).
    const end = await runCliOperation(io, wb, 'gameday.run', { session: values.session, text: text.text, source: text.label }, { progress: false, ...(values.json ? {} : { onDetail: (e) => narrate(io, e) }) });
    const journal = resultOrThrow(end);
    if (values.json) printJson(io, journal);
    else summary(io, journal);
    return exitCode(end, journal.status === 'completed' ? 0 : 1);
  },
};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function printPlan(io: CliIo, plan: GamedayPlan): void {
  io.stdout(`Plan for "${plan.title}" on session ${plan.session} (nothing changed: --dry-run)\n\n`);
  io.stdout(`Hypothesis (checked before and after the method, sampled during it):\n`);
  for (const p of plan.probes) io.stdout(`  ${p.name.padEnd(20)} ${p.url}  every ${p.everyMs} ms, timeout ${p.timeoutMs} ms\n`);
  if (plan.load) io.stdout(`\nLoad: ${plan.load.traffic} (${plan.load.requests} requests, round again) at ${plan.load.ratePerS}/s, at most ${plan.load.concurrency} in flight\n`);
  io.stdout(`\nMethod (${secs(plan.methodDurationMs)}, limit ${plan.maxDurationS}s; recovery window ${plan.recoveryS}s):\n`);
  for (const s of plan.steps) io.stdout(`  +${secs(s.atMs).padStart(6)} ${s.id.padEnd(18)} ${s.fault.padEnd(10)} ${s.target.padEnd(12)} for ${secs(s.durationMs)}  via ${s.via}: ${s.resolved}; revert: ${s.revert}\n`);
  io.stdout(`\nFault proxy: ${plan.proxy.enabled ? plan.proxy.routes.map((r) => `${r.service}:${r.port}`).join(', ') || 'no routes' : `off (${plan.proxy.reason ?? 'disabled'})`}\n`);
  for (const s of plan.proxy.skipped) io.stdout(`  not proxied: ${s.service} (${s.reason})\n`);
  io.stdout(`Packet-level faults: ${plan.netem.available ? 'available' : `not available: ${plan.netem.reason}`}\n`);
  if (plan.problems.length) {
    io.stdout(`\nThe run would be refused:\n`);
    for (const p of plan.problems) io.stdout(`  ${p.path}: ${p.message}\n`);
  }
}

function narrate(io: CliIo, e: GamedayLiveEvent): void {
  switch (e.type) {
    case 'started':
      io.stderr(`Game day ${e.runId}: ${e.plan.title} on ${e.plan.session}\n`);
      break;
    case 'phase':
      io.stderr(`— ${e.phase.replace(/-/g, ' ')}\n`);
      break;
    case 'fault': {
      const f = e.fault;
      const what = f.error ? `FAILED: ${f.error}` : f.toT !== undefined ? `reverted${f.recoveredAt ? ' and recovered' : ''}` : 'applied';
      io.stderr(`  ${f.id}: ${f.fault} ${f.target} ${what}\n`);
      break;
    }
    case 'probe':
      if (!e.sample.ok) io.stderr(`  probe ${e.sample.probe} failed${e.sample.activeFaults.length ? ` (during ${e.sample.activeFaults.join(', ')})` : ''}: ${(e.sample.failures ?? []).join('; ')}\n`);
      break;
    default:
      break;
  }
}

function summary(io: CliIo, j: GamedayJournal): void {
  io.stdout(`\n${statusText(j.status)}\n`);
  const before = j.steadyState.before;
  const after = j.steadyState.after;
  io.stdout(`Steady state before: ${before ? (before.met ? 'met' : 'NOT met') : '—'}; after: ${after ? (after.met ? `met${after.recoveredAfterMs !== undefined ? ` (${secs(after.recoveredAfterMs)} after the method)` : ''}` : 'NOT met') : '—'}\n`);
  for (const f of j.faults) io.stdout(`  ${f.id.padEnd(18)} ${f.fault.padEnd(10)} ${f.target.padEnd(14)} ${f.appliedAt ? `applied ${f.appliedAt}` : 'not applied'}${f.revertedAt ? `, reverted ${f.revertedAt}` : ''}${f.error ? `  ERROR ${f.error}` : ''}\n`);
  const failed = j.probes.filter((p) => !p.ok);
  io.stdout(`Probes: ${j.probes.length} samples, ${failed.length} failed (${failed.filter((p) => p.activeFaults.length === 0).length} with no fault active)\n`);
  if (j.load) io.stdout(`Load: ${j.load.sent} sent, ${j.load.ok} ok, ${j.load.failed} failed\n`);
  if (j.stoppedBy) io.stdout(`Stopped by: ${j.stoppedBy}\n`);
  if (j.error) io.stdout(`Error: ${j.error}\n`);
  io.stdout(j.residue.length ? `RESIDUE:\n${j.residue.map((r) => `  ${r.target}: ${r.what} (${r.detail})`).join('\n')}\n` : 'Residue: none\n');
  io.stdout(`Journal: ${j.id} (kept with session ${j.session}; repro report ${j.session})\n`);
}
