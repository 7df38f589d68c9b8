import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { methods } from '../../../shared/api/contract';
import { handlerFor } from '../../../electron/api/handlers';

// Area method maps are merged with object spread, where a clash would silently drop a method:
// check every map's names are unique across areas, and every method has exactly one handler.
const methodsDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'api', 'methods');

describe('API contract', () => {
  it('no two areas define the same method name', async () => {
    const seen = new Map<string, string>();
    for (const file of readdirSync(methodsDir).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(join(methodsDir, file))) as Record<string, unknown>;
      for (const [exportName, map] of Object.entries(mod)) {
        if (!exportName.endsWith('Methods') || typeof map !== 'object' || map === null) continue;
        for (const name of Object.keys(map)) {
          expect(seen.get(name), `${name} in ${file} is also defined in ${seen.get(name)}`).toBeUndefined();
          seen.set(name, file);
        }
      }
    }
    expect(new Set(seen.keys())).toEqual(new Set(Object.keys(methods)));
  });

  it('every method has a handler', async () => {
    // every method's area loads and holds its handler (areas load on first use)
    for (const method of Object.keys(methods) as (keyof typeof methods)[]) expect(typeof (await handlerFor(method)), method).toBe('function');
  });

  it('every method name is area.verb and its input schema rejects non-objects', () => {
    for (const [name, def] of Object.entries(methods)) {
      expect(name).toMatch(/^[a-z]+\.[A-Za-z]+$/);
      expect(def.input.safeParse('not an object').success, name).toBe(false);
    }
  });
});
