// Lint holds the layering so nobody has to remember it (VS Code style: folders by where code runs):
//   shared/   imports neither DOM-only nor Node modules (pure logic, runs anywhere)
//   renderer/ never imports electron/ or node:* (it runs in a page, Electron's or a browser's)
//   electron/ may import shared/
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Bare builtin names are matched exactly (`paths`), so a module of ours named events.ts is fine.
const nodeBuiltinNames = ['fs', 'fs/promises', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'stream/promises', 'url', 'util', 'zlib', 'events', 'buffer', 'worker_threads', 'process'];
const nodeBuiltinPaths = (message) => nodeBuiltinNames.map((name) => ({ name, message }));
// What shared/ may import; zod only through shared/zod.ts, where its configuration is set before any schema is made.
const sharedImports = ({ zod }) => [
  'error',
  {
    paths: [
      ...nodeBuiltinPaths('shared/ is pure: no Node modules (it also runs in the browser and in workers).'),
      ...(zod ? [] : [{ name: 'zod', message: "import { z } from shared/zod.ts: zod's configuration is set there, before any schema is made" }]),
    ],
    patterns: [
      { group: ['node:*'], message: 'shared/ is pure: no Node modules (it also runs in the browser and in workers).' },
      { group: ['**/electron/**', 'electron', '**/renderer/**', 'react', 'react-dom', 'react-dom/*'], message: 'shared/ imports only shared/ and pure libraries.' },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'examples/**/*.json', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': sharedImports({ zod: false }),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
  { files: ['shared/zod.ts'], rules: { 'no-restricted-imports': sharedImports({ zod: true }) } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinPaths('renderer/ runs in a page: no Node modules.'),
          patterns: [
            { group: ['node:*'], message: 'renderer/ runs in a page: no Node modules.' },
            { group: ['**/electron/**', 'electron', 'dockerode', 'better-sqlite3', 'tar', 'ws'], message: 'renderer/ talks to the backend only through renderer/src/api (the contract).' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
  {
    files: ['electron/**/*.ts', 'scripts/**/*.{js,mjs,ts}', 'bench/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bin/**/*.js', '*.{js,ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'Node code never imports the renderer.' }] }],
    },
  },
  {
    // A command's command line is its spec (electron/cli/spec.ts): main parses argv by it, and
    // --help and docs/cli.md are made from it, so a command that parsed argv itself could drift.
    files: ['electron/cli/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/renderer/**'], message: 'Node code never imports the renderer.' }],
          paths: [{ name: 'node:util', importNames: ['parseArgs'], message: 'Declare options in the command spec (defineCommand); main parses argv by it.' }],
        },
      ],
    },
  },
  {
    // Tests of the renderer's own modules run them in Node: its api adapters, and its stores against
    // the real in-process API (test/unit/renderer/in-process-api.ts).
    files: ['test/unit/renderer/**/*.ts', 'test/integration/renderer/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
