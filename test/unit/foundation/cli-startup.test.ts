/**
 * Start-up: `repro --help` and `repro --version` load only the CLI's small entry, never a
 * command's code or what it needs (dockerode, SQLite, zod schemas, tsx); each command's module is
 * loaded when it runs. Checked on the build's own module graph (esbuild's metafile for the split
 * CLI build, the same options as scripts/build.mjs), not by timing.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/cli/commands';

const root = join(import.meta.dirname, '..', '..', '..');

async function cliMetafile(): Promise<Metafile> {
  const r = await build({
    absWorkingDir: root,
    entryPoints: { main: 'electron/cli/main.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    splitting: true,
    outdir: 'dist-test-unused',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return r.metafile;
}

describe('CLI start-up', () => {
  it('the entry and what it statically imports hold no command code and no heavy package', async () => {
    const meta = await cliMetafile();
    const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === 'electron/cli/main.ts')!;
    // Outputs loaded with the entry: it and its static imports, transitively (not dynamic ones).
    const loaded = new Set<string>();
    const packages = new Set<string>();
    const visit = (out: string) => {
      if (loaded.has(out)) return;
      loaded.add(out);
      for (const imp of meta.outputs[out]!.imports) {
        if (imp.kind !== 'import-statement') continue;
        if (imp.external) packages.add(imp.path);
        else visit(imp.path);
      }
    };
    visit(entry);
    const sources = [...loaded].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
    expect(sources.filter((s) => s.startsWith('electron/cli/commands/') && !s.endsWith('/index.ts'))).toEqual([]);
    expect(sources.filter((s) => /electron\/services\/(environments|bundles|replay|record)\//.test(s) || s.startsWith('shared/bundle/'))).toEqual([]);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('each command module is loaded on demand and says what the index says of it', async () => {
    for (const entry of commands) {
      const { command } = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  }, 60_000);
});
