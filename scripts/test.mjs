#!/usr/bin/env node
// `npm test`: unit tests (vitest), integration tests on the real Docker engine (vitest), and e2e
// tests in Debian's Chromium through `repro serve` (Playwright). Prerequisites come first
// (scripts/provision.mjs: installed when we can, else a failure saying what to install): tests never skip silently.
// Usage: npm test [-- unit|integration|e2e ...]   (default: all three, in that order)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from './lib/freshness.mjs';
import { provision } from './provision.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = chosen.length ? chosen : ['unit', 'integration', 'e2e'];
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

function fail(message) {
  console.error(`\nnpm test: ${message}`);
  process.exit(1);
}


// Install what is missing (root on Debian) or fail with exactly what to install; start the engine.
const problem = await provision(suites);
if (problem) fail(problem);
if (suites.includes('e2e')) {
  // e2e tests run the built app, like a user: build when the sources are newer than dist/.
  if (buildIsStale(root)) {
    console.log('npm test: building (sources are newer than dist/)');
    if (spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root }).status !== 0) fail('the build failed');
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const counts = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

for (const suite of suites) {
  console.log(`\n=== ${suite} tests ===`);
  let run;
  if (suite === 'unit' || suite === 'integration') {
    const out = join(results, `vitest-${suite}.json`);
    run = spawnSync(bin('vitest'), ['run', '--project', suite, '--reporter=default', '--reporter=json', `--outputFile=${out}`], { stdio: 'inherit', cwd: root });
    if (existsSync(out)) {
      const r = JSON.parse(readFileSync(out, 'utf8'));
      counts.passed += r.numPassedTests ?? 0;
      counts.failed += r.numFailedTests ?? 0;
      counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    }
  } else if (suite === 'e2e') {
    const out = join(results, 'playwright.json');
    run = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], { stdio: 'inherit', cwd: root, env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out } });
    if (existsSync(out)) {
      const s = JSON.parse(readFileSync(out, 'utf8')).stats ?? {};
      counts.passed += (s.expected ?? 0) + (s.flaky ?? 0);
      counts.failed += s.unexpected ?? 0;
      counts.skipped += s.skipped ?? 0;
    }
  } else {
    fail(`unknown suite "${suite}" (unit, integration, e2e)`);
  }
  if (run.status !== 0) ok = false;
}

console.log(`\nall suites: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
if (counts.skipped > 0) console.log('note: skipped tests are reported above; CI treats none as optional.');
process.exit(ok && counts.failed === 0 ? 0 : 1);
