import { describe, expect, it } from 'vitest';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import type { VerifyReport } from '../../../shared/bundle/problems';
import { explainSignature, fileResults } from '../../../shared/bundle/report';
import { baseManifest } from './builders';

const manifest = bundleManifestSchema.parse({
  ...baseManifest('sha256:' + 'a'.repeat(64)),
  files: [
    { path: 'images/web.tar', sha256: 'b'.repeat(64), size: 10 },
    { path: 'metrics/latency.json', sha256: 'c'.repeat(64), size: 5 },
    { path: 'runbook.md', sha256: 'd'.repeat(64), size: 7 },
  ],
});
const report = (problems: VerifyReport['problems'], signature: VerifyReport['signature'] = { status: 'unsigned' }): VerifyReport => ({
  ok: problems.length === 0,
  bundle: { id: 'x', title: 'y' },
  signature,
  files: { checked: 3, failed: 0 },
  problems,
  warnings: [],
});

describe('verification view model', () => {
  it('one row per listed file plus unlisted ones, status from the problem', () => {
    const rows = fileResults(
      manifest,
      report([
        { code: 'digest_mismatch', path: 'runbook.md', message: 'm' },
        { code: 'image_id_mismatch', path: 'images/web.tar', message: 'm' },
        { code: 'unlisted_file', path: 'traffic/x.har', message: 'm' },
        { code: 'schema', path: 'bundle.json#/x', message: 'm' },
      ]),
    );
    expect(rows.map((r) => `${r.path}:${r.status}`)).toEqual(['images/web.tar:image', 'metrics/latency.json:ok', 'runbook.md:digest', 'traffic/x.har:unlisted']);
  });

  it('the signature badge explains each status', () => {
    expect(explainSignature({ status: 'trusted', keyid: 'ab'.repeat(32) }, 'keys/team.pem')).toMatchObject({ tone: 'ok', label: 'Signed · trusted' });
    expect(explainSignature({ status: 'trusted', keyid: 'ab'.repeat(32) }, 'keys/team.pem').detail).toContain('keys/team.pem');
    expect(explainSignature({ status: 'untrusted', keyid: 'cd'.repeat(32) }).detail).toContain('trusted-keys');
    expect(explainSignature({ status: 'invalid' }).tone).toBe('bad');
    expect(explainSignature({ status: 'unsigned' }).label).toBe('Unsigned');
  });
});
