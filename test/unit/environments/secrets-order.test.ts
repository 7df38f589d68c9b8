import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import type { BundleManifest, ServiceSpec } from '../../../shared/bundle/manifest';
import { resolveSecrets, secretNeeds } from '../../../electron/services/environments/secrets';
import { startOrder } from '../../../electron/services/environments/start-order';

const svc = (name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({ name, image: { ref: `x/${name}`, id: `sha256:${'a'.repeat(64)}` }, ...extra });
const manifestWith = (services: ServiceSpec[]) => ({ services }) as unknown as BundleManifest;

describe('resolveSecrets', () => {
  const m = manifestWith([svc('checkout', { secrets: [{ name: 'PAYMENT_KEY' }, { name: 'OPTIONAL_TOKEN', required: false }] }), svc('pricing', { secrets: [{ name: 'PAYMENT_KEY' }] })]);

  it('merges needs across services; required unless said otherwise', () => {
    expect(secretNeeds(m)).toEqual([
      { name: 'PAYMENT_KEY', required: true, services: ['checkout', 'pricing'] },
      { name: 'OPTIONAL_TOKEN', required: false, services: ['checkout'] },
    ]);
  });

  it('reads REPRO_SECRET_<NAME> and skips missing optional ones', () => {
    const v = resolveSecrets(m, { env: { REPRO_SECRET_PAYMENT_KEY: 'k1', PAYMENT_KEY: 'not-this-one' } });
    expect([...v]).toEqual([['PAYMENT_KEY', 'k1']]);
  });

  it('prefers the UI prompt, then the dotenv file, then the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const file = join(dir, 's.env');
    writeFileSync(file, '# secrets\nPAYMENT_KEY="from file # not a comment"\nREPRO_SECRET_OPTIONAL_TOKEN=opt\n');
    expect(resolveSecrets(m, { env: { REPRO_SECRET_PAYMENT_KEY: 'env' }, secretsFile: file }).get('PAYMENT_KEY')).toBe('from file # not a comment');
    expect(resolveSecrets(m, { secretsFile: file }).get('OPTIONAL_TOKEN')).toBe('opt');
    expect(resolveSecrets(m, { env: { REPRO_SECRET_PAYMENT_KEY: 'env' }, secretsFile: file, provided: { PAYMENT_KEY: 'typed' } }).get('PAYMENT_KEY')).toBe('typed');
  });

  it('names every missing required secret and how to provide it', () => {
    let err: unknown;
    try {
      resolveSecrets(m, { env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('secret_missing');
    expect((err as WorkbenchError).message).toContain('PAYMENT_KEY (needed by checkout, pricing)');
    expect((err as WorkbenchError).message).toContain('REPRO_SECRET_PAYMENT_KEY');
    expect((err as WorkbenchError).message).not.toContain('OPTIONAL_TOKEN');
  });

  it('says which secrets file it cannot read', () => {
    expect(() => resolveSecrets(m, { secretsFile: '/nonexistent/s.env' })).toThrow(/Cannot read secrets file \/nonexistent\/s.env/);
  });
});

describe('startOrder', () => {
  it('puts dependencies first and keeps manifest order otherwise', () => {
    const order = startOrder([svc('checkout', { dependsOn: ['pricing', 'db'] }), svc('web'), svc('pricing', { dependsOn: ['db'] }), svc('db')]);
    expect(order.map((s) => s.name)).toEqual(['web', 'db', 'pricing', 'checkout']);
  });
  it('rejects unknown dependencies and cycles, naming them', () => {
    expect(() => startOrder([svc('a', { dependsOn: ['ghost'] })])).toThrow(/"a" dependsOn "ghost"/);
    expect(() => startOrder([svc('a', { dependsOn: ['b'] }), svc('b', { dependsOn: ['a'] }), svc('c')])).toThrow(/cycle: a, b/);
  });
});
