import { resolve } from 'node:path';
import { DSSE_ENVELOPE_PATH } from '../../../shared/bundle/dsse';
import { addTraffic, harFileSource, type TrafficAddResult } from '../../services/replay/traffic-add';
import { defineCommand, UsageError } from '../command';
import { printJson } from '../output';

export const command = defineCommand(
  {
    name: 'traffic',
    summary: 'add a HAR (DevTools, Playwright, mitmproxy, Polly...) to a bundle folder, redacted and listed',
    usage: ['traffic add <bundle-folder> FILE.har [--as NAME] [--fixture] [--json]'],
    description: `Makes a HAR as a browser, Playwright, a proxy or an SDK wrote it part of the bundle in one step:
reads it (refusing what replay could not read, entry and field named), takes in bodies that
Playwright's attach mode keeps in files beside the HAR, redacts credentials the way capture does
(Authorization and Cookie values, API-key headers, token-like query parameters; bodies are left
alone), writes it to traffic/NAME.har (or fixtures/NAME.har with --fixture) and lists it in
bundle.json with its digest. Nothing is overwritten; a failed import leaves the bundle as it was.
Recorded hosts need no rewriting: replay sends requests for hosts that are not service names to
the bundle's ingress service (see repro replay --host-map).

Changing bundle.json invalidates an existing signature: run repro sign afterwards.`,
    subcommands: ['add'],
    options: [
      { name: 'as', value: 'NAME', help: "file name in the bundle (default: the HAR's own name)" },
      { name: 'fixture', help: 'add to fixtures/ (recorded answers of external dependencies) instead of traffic/' },
      { name: 'json', help: 'print {path, sha256, size, entries, skipped, attachmentsInlined, redactions, signatureInvalidated}' },
    ],
    exits: { 0: 'added', 1: 'no such folder or file, a HAR replay could not read, or a name already in the bundle' },
  },
  async ({ values, positionals }, io) => {
    const [, bundle, file, ...rest] = positionals;
    if (!bundle || !file || rest.length) throw new UsageError('expected a bundle folder and one HAR file');
    const result = await addTraffic({
      bundleRoot: resolve(io.cwd, bundle),
      source: await harFileSource(resolve(io.cwd, file)),
      ...(values.as !== undefined ? { as: values.as } : {}),
      ...(values.fixture ? { fixture: true } : {}),
    });
    if (values.json) printJson(io, result);
    else io.stdout(formatAdded(result));
    return 0;
  },
);

export function formatAdded(r: TrafficAddResult): string {
  const lines = [`added ${r.path}: ${r.entries} request${r.entries === 1 ? '' : 's'} to replay${r.skipped ? `, ${r.skipped} that failed when recorded (kept, skipped by replay)` : ''}`];
  if (r.attachmentsInlined) lines.push(`  took in ${r.attachmentsInlined} bod${r.attachmentsInlined === 1 ? 'y' : 'ies'} kept beside the HAR`);
  if (r.redactions.length === 0) lines.push('  redacted: nothing looked like a credential');
  for (const x of r.redactions) lines.push(`  redacted ${x.location} ${x.name} ×${x.count} (${x.reason})`);
  if (r.signatureInvalidated) lines.push(`  note: ${DSSE_ENVELOPE_PATH} no longer matches; re-sign with repro sign`);
  return lines.join('\n') + '\n';
}
