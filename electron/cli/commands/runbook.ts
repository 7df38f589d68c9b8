import { resolve } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { checkServices, parseRunbook, type StepRunResult } from '../../../shared/runbook';
import { openBundle } from '../../services/bundles/open';
import { getSession } from '../../services/environments';
import { resetRunbook, runbookToRun, workspaceId } from '../../services/runbooks';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError, type CliIo } from '../command';
import { EXIT_CANCELLED, resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'runbook',
    summary: "run a bundle's runbook against a session and record every step",
    usage: ['runbook run <bundle> --session NAME [--bundle-version] [--json]', 'runbook check <bundle> [--bundle-version] [--json]', 'runbook reset <bundle> [--json]'],
    description: `run    Runs every executable step of the runbook in order against the running session:
         \`\`\`sh {service=NAME}   a shell command in that service's container
         \`\`\`http                 a request (HTTP-file syntax) to the URL host's ingress
         \`\`\`replay               the bundle's recorded traffic (repro replay)
         \`\`\`expect               checks of the previous step's output
       and stops at the first failure. Every step run (text, output, exit code, expectation)
       goes into the session's record (repro report). The runbook is your edited copy of this
       bundle's runbook from the workbench when there is one, else the bundle's runbook.md
       (--bundle-version forces the bundle's). Step output streams to stderr.
check  Lists the runbook's steps and any problem in them, without running anything.
reset  Forgets your edited copy of this bundle's runbook: the bundle's runbook.md is used again.

An edited copy belongs to the bundle it was edited from (its bundle.json digest): another bundle
of the same incident (a recapture, a colleague's variant) starts from its own runbook.md. A copy
is made by the first edit in the workbench, never by opening a bundle.`,
    subcommands: ['run', 'check', 'reset'],
    options: [
      { name: 'session', value: 'NAME', for: ['run'], help: 'the session to run against (see repro status; required)' },
      { name: 'bundle-version', for: ['run', 'check'], help: 'use the bundle\'s runbook.md even if you have edited a copy' },
      {
        name: 'json',
        help: 'run: {"steps":[{"index","kind","service"?,"exitCode","output","expectation"?,"ok"}],"ok"}\ncheck: {"source","steps":[{"index","kind","service"?,"line","problem"?}],"ok"}\nreset: {"bundle","workspace","reset"}',
      },
    ],
    notes: 'Ctrl-C stops the run: the running step is killed with what it started.',
    exits: { 0: 'every step passed (check: no problem found; reset: done, a copy there or not)', 1: 'a step failed, check found problems, or the bundle or session cannot be used', 130: 'cancelled: the running step was killed' },
  },
  async ({ values, positionals: [sub, ...positionals] }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle (folder or .tar/.tar.gz/.tgz)');
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const opened = await openBundle(resolve(io.cwd, positionals[0]!), { workDir: resolve(wb.stateDir, 'bundles') });
    try {
      const bundleId = opened.manifest.incident.id;
      const workspace = workspaceId(bundleId, opened.manifestText);
      if (sub === 'reset') {
        const { reset } = await resetRunbook(wb.stateDir, workspace);
        if (values.json) printJson(io, { bundle: bundleId, workspace, reset });
        else io.stdout(reset ? `Forgot your edited copy of ${bundleId}'s runbook: its runbook.md is used again.\n` : `No edited copy of this bundle's runbook: its runbook.md is the one used.\n`);
        return 0;
      }
      if (sub === 'check') {
        const runbook = await runbookToRun(wb.stateDir, workspace, opened.root, { bundleVersion: values['bundle-version'] ?? false });
        if (!runbook) throw new WorkbenchError('not_found', `bundle ${bundleId} has no runbook.md`);
        const steps = checkServices(parseRunbook(runbook.text).steps, opened.manifest.services.map((s) => s.name));
        const rows = steps.map((s) => ({
          index: s.index,
          kind: s.kind,
          ...(s.kind === 'sh' ? { service: s.service } : s.kind === 'http' && s.request ? { service: s.request.service } : {}),
          line: s.range.startLine,
          ...(s.problem ? { problem: s.problem } : {}),
        }));
        const ok = steps.every((s) => !s.problem);
        if (values.json) printJson(io, { source: runbook.source, steps: rows, ok });
        else {
          io.stdout(`${steps.length} executable step(s) in the ${runbook.source === 'workspace' ? 'edited copy of the' : "bundle's"} runbook:\n`);
          for (const r of rows) io.stdout(`  ${String(r.index + 1).padStart(3)}  line ${String(r.line).padEnd(5)} ${r.kind.padEnd(7)}${'service' in r ? ` ${r.service}` : ''}${r.problem ? `\n       problem: ${r.problem}` : ''}\n`);
        }
        return ok ? 0 : 1;
      }

      if (!values.session) throw new UsageError('--session NAME is required (see repro status)');
      const session = await getSession(wb.docker, wb.stateDir, values.session);
      if (session.bundleId !== bundleId) {
        throw new WorkbenchError('conflict', `session "${session.name}" runs bundle ${session.bundleId}, not ${bundleId}`);
      }
      const runbook = await runbookToRun(wb.stateDir, workspace, opened.root, { bundleVersion: values['bundle-version'] ?? false });
      if (!runbook) throw new WorkbenchError('not_found', `bundle ${bundleId} has no runbook.md`);
      io.stderr(`Running the ${runbook.source === 'workspace' ? 'edited copy of the runbook' : "bundle's runbook"} against session ${session.name}\n`);
      // The runbook.run operation, as the UI runs it (one run per session, across processes).
      // Ctrl-C stops it: the running step is killed inside its container with what it started.
      const steps = parseRunbook(runbook.text).steps;
      const end = await runCliOperation(
        io,
        wb,
        'runbook.run',
        { session: session.name, text: runbook.text },
        {
          progress: false,
          onDetail: (u) => {
            if (u.type === 'start') {
              const step = steps[u.index];
              io.stderr(`\n▶ step ${u.index + 1}${step ? ` (line ${step.range.startLine}): ${step.kind}${step.kind === 'sh' ? ` on ${step.service}` : ''}` : ''}\n`);
            } else if (u.type === 'output') io.stderr(u.chunk);
            else {
              const r = u.result;
              io.stderr(`${r.output && !r.output.endsWith('\n') && r.kind !== 'expect' ? '\n' : ''}${r.kind === 'expect' ? `${r.output}\n` : ''}${r.ok ? '✓' : '✗'} step ${r.index + 1} ${r.ok ? 'ok' : 'failed'}${r.error ? `: ${r.error}` : ''}\n`);
            }
          },
        },
      );
      const result = resultOrThrow(end);
      if (values.json) printJson(io, { steps: result.steps.map(jsonStep), ok: result.ok, ...(result.stoppedAt !== undefined ? { stoppedAt: result.stoppedAt } : {}), ...(result.cancelled ? { cancelled: true } : {}) });
      else if (result.cancelled) io.stdout(`Stopped at step ${(result.stoppedAt ?? 0) + 1}: the run was cancelled.\n`);
      else summary(io, result.steps, result.ok);
      return result.cancelled ? EXIT_CANCELLED : result.ok ? 0 : 1;
    } finally {
      await opened.dispose();
    }
  },
);

function jsonStep(r: StepRunResult) {
  return {
    index: r.index,
    kind: r.kind,
    ...(r.service ? { service: r.service } : {}),
    exitCode: r.exitCode,
    output: r.output,
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.expectation ? { expectation: r.expectation } : {}),
    ...(r.error ? { error: r.error } : {}),
    ok: r.ok,
  };
}

function summary(io: CliIo, steps: StepRunResult[], ok: boolean): void {
  const failed = steps.find((s) => !s.ok);
  io.stdout(ok ? `All ${steps.length} steps passed.\n` : `Stopped at step ${failed!.index + 1} (${failed!.kind}): ${failed!.error ?? failed!.expectation?.results.filter((r) => !r.ok).map((r) => r.message).join('; ') ?? `exit ${failed!.exitCode}`}\n`);
}
