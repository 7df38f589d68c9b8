import { parseDuration } from '../../../shared/format/duration';
import { gcSessions } from '../../services/environments/down';
import { prune } from '../../services/prune/prune';
import { createWorkbench } from '../../services/workbench';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'prune',
    summary: 'forget old sessions and records, and remove images only the workbench loaded and nothing uses',
    usage: ['prune [--older-than D] [--sessions] [--records] [--images] [--dry-run] [--json]'],
    description: `Cleans up what the workbench keeps after sessions end (docs/state.md says where it lives):
  sessions  the folders of sessions that are down or failed (received spans, replay results, logs)
  records   their records in the record database (timeline, verdict: what repro report reads)
  images    images this workbench home loaded from bundles that no container uses (an image that
            was on the engine before, or that someone tagged since, stays)
Without --sessions, --records or --images, all three. Live sessions and their records are never
touched; sessions whose owner process died are repro gc's, which runs first (unless --dry-run).
Containers, networks and volumes of ended sessions are already gone (repro down removes them).`,
    positionals: false,
    options: [
      { name: 'older-than', value: 'D', help: 'only what is older than D (e.g. 7d, 12h, 30m; default: all that qualifies)' },
      { name: 'sessions', help: 'forget ended sessions\' folders' },
      { name: 'records', help: 'forget ended sessions\' records' },
      { name: 'images', help: 'remove images the workbench loaded that nothing uses' },
      { name: 'dry-run', help: 'list what would go, change nothing' },
      { name: 'json', help: 'print {dryRun, sessions:[{name,phase,updatedAt}], records:[{session,bundleId,createdAt}],\nimages:[{id,ref,loadedAt}], kept:[{kind,name,reason}], collected}' },
    ],
    exits: { 0: 'pruned (or, with --dry-run, listed); what stays is listed with why', 1: 'the state folder or the engine could not be read' },
  },
  async ({ values }, io) => {
    let olderThanMs: number | undefined;
    if (values['older-than'] !== undefined) {
      olderThanMs = parseDuration(values['older-than'], { defaultUnit: 's' });
      if (olderThanMs === undefined) throw new UsageError(`--older-than "${values['older-than']}": expected a duration such as 7d, 12h or 30m`);
    }
    const all = !values.sessions && !values.records && !values.images;
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const dryRun = Boolean(values['dry-run']);
    // gc first, so sessions whose owner died are collected, not kept; its failure (an engine that
    // refuses one removal) is said, and does not stop the pruning of what is ours
    let gcError: string | undefined;
    const gc = dryRun
      ? undefined
      : await gcSessions(wb.docker, wb.stateDir).catch((err: Error) => {
          gcError = err.message;
          io.stderr(`repro prune: gc did not finish (${err.message}); pruning the rest\n`);
          return undefined;
        });
    const report = await prune({
      docker: wb.docker,
      stateDir: wb.stateDir,
      ...(olderThanMs !== undefined ? { olderThanMs } : {}),
      sessions: all || Boolean(values.sessions),
      records: all || Boolean(values.records),
      images: all || Boolean(values.images),
      dryRun,
    });
    if (values.json) {
      printJson(io, { ...report, collected: gc?.collected ?? [], ...(gcError ? { gcError } : {}) });
      return 0;
    }
    const verb = dryRun ? 'would forget' : 'forgot';
    const lines: string[] = [];
    for (const c of gc?.collected ?? []) lines.push(`collected ${c.session} (${c.reason})`);
    for (const s of report.sessions) lines.push(`${verb} session ${s.name} (${s.phase} since ${s.updatedAt})`);
    for (const r of report.records) lines.push(`${verb} the record of ${r.session} (bundle ${r.bundleId}, ${r.createdAt})`);
    for (const i of report.images) lines.push(`${dryRun ? 'would remove' : 'removed'} image ${i.id.slice(0, 19)}${i.ref ? ` (${i.ref})` : ''}`);
    for (const k of report.kept) lines.push(`kept ${k.kind} ${k.kind === 'image' ? k.name.slice(0, 19) : k.name}: ${k.reason}`);
    if (!report.sessions.length && !report.records.length && !report.images.length) lines.push('Nothing to prune.');
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
);
