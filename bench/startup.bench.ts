/**
 * Start-up as the user feels it: `repro --version` and `repro --help` as cold processes from the
 * build vs `node -e 0` (the floor of any Node program), in the same run. Goal: at most 2x.
 * Also `npx repro --version` (the README's way in a checkout) vs `npx --version` (npm's own
 * start-up, which npx pays before it looks for the bin): reported, since npx's cost is npm's.
 *
 *   npx tsx bench/startup.bench.ts [--rounds 15] [--json]
 */
import { parseArgs } from 'node:util';
import { alternate, emit, ensureBuilt, log, median, repro, row, runProcess, type ProcessSample } from './lib/harness';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, json: { type: 'boolean' } } });
const rounds = Number(values.rounds);
ensureBuilt();

const wall = (xs: ProcessSample[]) => median(xs.map((x) => x.wallMs));
const env = { ...process.env, REPRO_USE_DIST: '1' };

const quick = await alternate(
  rounds,
  {
    node: () => runProcess([process.execPath, '-e', '0']),
    version: () => repro(['--version']),
    help: () => repro(['--help']),
  },
  (r, got) => log(`round ${r + 1}: node -e 0 ${got.node.wallMs.toFixed(0)} ms, repro --version ${got.version.wallMs.toFixed(0)} ms, repro --help ${got.help.wallMs.toFixed(0)} ms`),
);
const npxRounds = Math.max(3, Math.ceil(rounds / 3));
const npx = await alternate(
  npxRounds,
  {
    npm: () => runProcess(['npx', '--version'], { env }),
    repro: () => runProcess(['npx', 'repro', '--version'], { env }),
  },
  (r, got) => log(`npx round ${r + 1}: npx --version ${got.npm.wallMs.toFixed(0)} ms, npx repro --version ${got.repro.wallMs.toFixed(0)} ms`),
);

const nodeMs = wall(quick.node);
const rows = [
  row({
    id: 'startup-version',
    what: 'start-up: print the version',
    unit: 'ms',
    better: 'lower',
    ours: { command: 'repro --version', value: wall(quick.version), peakMb: median(quick.version.map((x) => x.peakMb ?? 0)) },
    baseline: { command: 'node -e 0', value: nodeMs },
    goal: 2,
    rounds,
  }),
  row({
    id: 'startup-help',
    what: 'start-up: print the help',
    unit: 'ms',
    better: 'lower',
    ours: { command: 'repro --help', value: wall(quick.help) },
    baseline: { command: 'node -e 0', value: nodeMs },
    goal: 2,
    rounds,
  }),
  row({
    id: 'startup-npx',
    what: 'start-up through npx in a checkout',
    unit: 'ms',
    better: 'lower',
    ours: { command: 'npx repro --version', value: wall(npx.repro) },
    baseline: { command: 'npx --version', value: wall(npx.npm) },
    goal: null,
    rounds: npxRounds,
    note: `npx itself (npm loading, then finding the package's bin) costs about ${Math.round(wall(npx.repro) - wall(quick.version))} ms more than \`repro\` on PATH; \`npm link\` once puts \`repro\` on PATH without it.`,
  }),
];
emit(rows, values.json);
