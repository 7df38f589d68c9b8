/**
 * Start-up: `repro --help` and `repro --version` load only the CLI's small entry, never a
 * command's code or what it needs (dockerode, SQLite, zod schemas, tsx); each command's module is
 * loaded when it runs. Checked on the build's own module graph (esbuild's metafile for the split
 * CLI build, with scripts/build.mjs's own options), not by timing.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/cli/commands';
import { BUNDLED_PACKAGES, nodeBuildOptions } from '../../../scripts/lib/node-build-options.mjs';

const root = join(import.meta.dirname, '..', '..', '..');

async function cliMetafile(): Promise<Metafile> {
  const { cliOptions } = nodeBuildOptions(root);
  const r = await build({ ...cliOptions, outdir: 'dist-test-unused', sourcemap: false, write: false, metafile: true, logLevel: 'silent' });
  return r.metafile;
}

/** Outputs loaded with `out`: it and its static imports, transitively (not dynamic ones), and the packages they import. */
function staticClosure(meta: Metafile, out: string) {
  const loaded = new Set<string>();
  const packages = new Set<string>();
  const visit = (o: string) => {
    if (loaded.has(o)) return;
    loaded.add(o);
    for (const imp of meta.outputs[o]!.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) packages.add(imp.path);
      else visit(imp.path);
    }
  };
  visit(out);
  return { loaded, packages, sources: [...loaded].flatMap((o) => Object.keys(meta.outputs[o]!.inputs)) };
}

/** What loading `source`'s module loads with it. */
function loadedWith(meta: Metafile, source: string) {
  const out = Object.keys(meta.outputs).find((o) => source in meta.outputs[o]!.inputs);
  if (!out) throw new Error(`${source} is in no output`);
  return staticClosure(meta, out);
}

describe('CLI start-up', () => {
  it('the entry and what it statically imports hold no command code and no heavy package', async () => {
    const meta = await cliMetafile();
    const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === 'electron/cli/main.ts')!;
    const { sources, packages } = staticClosure(meta, entry);
    expect(sources.filter((s) => s.startsWith('electron/cli/commands/') && !s.endsWith('/index.ts'))).toEqual([]);
    expect(sources.filter((s) => /electron\/services\/(environments|bundles|replay|record)\//.test(s) || s.startsWith('shared/bundle/'))).toEqual([]);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    // nor a package bundled into our chunks (zod)
    expect(sources.filter((s) => s.includes('node_modules/'))).toEqual([]);
  });

  it('repro down loads the down and nothing of the up: the environment handlers load their services when called', async () => {
    const meta = await cliMetafile();
    const upParts = /electron\/services\/(environments\/(up|sandbox|images|runtime\/(local|swarm))|bundles\/(open|unpack|verify)|replay|gameday)\.?/;
    for (const source of ['electron/api/handlers/environment.ts', 'electron/services/environments/down.ts', 'electron/services/record/index.ts']) {
      const { sources, packages } = loadedWith(meta, source);
      expect({ source, up: sources.filter((s) => upParts.test(s)), packages: [...packages].filter((p) => p === 'tar' || p === 'dotenv') }).toEqual({ source, up: [], packages: [] });
    }
  });

  it('bundles zod (English messages only) and the @stdlib scope, and leaves every other package to node_modules', async () => {
    expect([...BUNDLED_PACKAGES]).toEqual(['zod', '@stdlib/']);
    const meta = await cliMetafile();
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.startsWith('node_modules/zod/'))).toBe(true);
    expect(inputs.some((i) => i.startsWith('node_modules/@stdlib/stats-base-dists-normal-cdf/'))).toBe(true);
    expect(inputs.filter((i) => /zod\/v4\/locales\/(?!index\.js$)/.test(i)).map((i) => i.replace(/.*\//, ''))).toEqual(['en.js']);
    expect(inputs.filter((i) => i.includes('node_modules/') && !/node_modules\/(zod|@stdlib)\//.test(i))).toEqual([]);
    const externals = new Set(Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    expect(externals.has('better-sqlite3')).toBe(true); // a native module
    expect([...externals].filter((e) => e.startsWith('zod') || e.startsWith('@stdlib/'))).toEqual([]);
  });

  it('each command module is loaded on demand and says what the index says of it', async () => {
    for (const entry of commands) {
      const { command } = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  }, 60_000);
});
