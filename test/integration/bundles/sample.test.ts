/** The shipped sample incident verifies, and its signature is trusted with the shipped key. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../../electron/services/bundles/open';
import { verifyBundle } from '../../../electron/services/bundles/verify';

const repo = join(__dirname, '..', '..', '..');
const sample = join(repo, 'examples', 'incident-checkout');
const sampleKey = join(repo, 'examples', 'keys', 'sample.pub.pem');

describe('examples/incident-checkout', () => {
  it('verifies with every check and is signed by the shipped sample key', async () => {
    const opened = await openBundle(sample);
    const report = await verifyBundle(opened, { keys: [sampleKey], trustedKeysDir: null });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.signature.status).toBe('trusted');
    expect(report.files.checked).toBeGreaterThan(0);
    // every service with an archive had its image id checked (a mismatch would be a problem above)
    expect(opened.manifest.services.filter((s) => s.image.archive).length).toBeGreaterThan(0);
    expect(report.warnings.filter((w) => w.code === 'secret_suspect')).toEqual([]);
  });
});
