// esbuild's options for the Node side (scripts/build.mjs), shared with the test that checks what
// the CLI's start-up loads (test/unit/foundation/cli-startup.test.ts), so both see one build.
import { dirname, join } from 'node:path';

/**
 * Dependencies bundled into our own output rather than loaded from node_modules at run time:
 * pure JavaScript spread over many small files, where Node's per-file module loading costs more
 * than the code (issue 16). zod is 95 ES modules, about 45 ms of every CLI command and agent
 * start; the canary judge's two @stdlib functions are some 150 CommonJS packages of one
 * function each, 33 ms to load (7 ms bundled). A name ending in "/" is a whole npm scope.
 * Everything else resolves from node_modules at run time: native modules, electron, and
 * packages that read files beside themselves (dockerode's .proto files).
 */
export const BUNDLED_PACKAGES = new Set(['zod', '@stdlib/']);

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const bundled = (specifier) => BUNDLED_PACKAGES.has(packageName(specifier)) || (specifier.startsWith('@') && BUNDLED_PACKAGES.has(specifier.slice(0, specifier.indexOf('/') + 1)));

const externalPackages = {
  name: 'external-packages',
  setup(b) {
    // bare specifiers only: relative and absolute paths are our own code
    b.onResolve({ filter: /^[^./]/ }, (args) => (bundled(args.path) ? undefined : { path: args.path, external: true }));
    // zod's namespace re-exports its error messages in 48 languages (half its code, 17 ms of
    // every start). Our messages are English, zod's default: only that locale is bundled.
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), args.path), namespace: 'zod-english' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({ contents: "export { default as en } from './en.js';", resolveDir: dirname(args.path) }));
  },
};

/** `common` (every Node build), `esmOptions` (ES module builds), `cliOptions` (the split CLI). */
export function nodeBuildOptions(root) {
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };
  const esmOptions = {
    ...common,
    format: 'esm',
    plugins: [externalPackages],
    // a require() shim for CommonJS dependencies pulled into an ESM bundle
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  };
  // The CLI is split: each command's code is a chunk loaded when that command runs.
  const cliOptions = {
    ...esmOptions,
    entryPoints: { main: 'electron/cli/main.ts' },
    outdir: 'dist/electron/cli',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  };
  return { common, esmOptions, cliOptions };
}
