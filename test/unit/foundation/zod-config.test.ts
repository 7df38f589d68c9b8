/**
 * Every schema is made with zod's JIT off (shared/zod.ts): a schema module that took zod from
 * elsewhere could be made before the configuration is set.
 */
import { describe, expect, it } from 'vitest';
import { methods } from '../../../shared/api/contract';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { z } from '../../../shared/zod';

describe('zod as the project configures it', () => {
  it('has its JIT off once any schema module is loaded, and still reports issues in English', () => {
    expect(Object.keys(methods).length).toBeGreaterThan(10);
    expect(z.config().jitless).toBe(true);
    const parsed = bundleManifestSchema.safeParse({ schema: 'repro.bundle/v1', incident: 42 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message)).toContain('Invalid input: expected object, received number');
  });
});
