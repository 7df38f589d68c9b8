/**
 * Child process for the kill -9 test: saves ever-new versions of one runbook in a tight loop
 * until it is killed. Each version carries its own checksum so the parent can tell a complete
 * version from a torn one. argv: <stateDir> <bundleId> <sizeBytes>
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { openRunbookWorkspace, saveRunbook, workspaceFor } from '../../../electron/services/runbooks/workspace';

export function makeVersion(n: number, size: number): string {
  const line = `- step ${n}: the quick brown fox jumps over the lazy dog ${'x'.repeat(40)}\n`;
  const body = `# Runbook version ${n}\n\n${line.repeat(Math.max(1, Math.ceil(size / line.length)))}`;
  return `${body}<!-- sha256:${createHash('sha256').update(body).digest('hex')} -->\n`;
}

async function main() {
  const [stateDir, bundleId, sizeArg] = process.argv.slice(2);
  const size = Number(sizeArg);
  await openRunbookWorkspace(stateDir!, bundleId!, makeVersion(0, size));
  let n = Number(process.env.START_AT ?? '1');
  // NAIVE=1: the control group, overwriting in place the way a plain writeFile does.
  const naive = process.env.NAIVE === '1';
  const path = workspaceFor(stateDir!, bundleId!).runbookPath;
  // opening writes nothing now (a copy is made by the first save): the control makes the folders itself
  if (naive) await mkdir(workspaceFor(stateDir!, bundleId!).historyDir, { recursive: true });
  // The control writes two prepared versions in turn, so nearly all of its time is spent inside
  // the in-place write (truncate, then write) and a kill at a random moment tears the file often;
  // building each version first left the write a small share of the loop, and the control flaky.
  const prepared = naive ? [makeVersion(n, size), makeVersion(n + 1, size)] : [];
  for (;;) {
    if (naive) await writeFile(path, prepared[n % 2]!);
    else await saveRunbook(stateDir!, bundleId!, makeVersion(n, size), { coalesceMs: 0, keepVersions: 5 });
    if (n === Number(process.env.START_AT ?? '1')) process.stdout.write('saved-first\n');
    n++;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  void main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(3);
  });
}
