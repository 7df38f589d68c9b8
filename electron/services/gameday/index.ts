/**
 * Game days: fault scenarios (`repro.gameday/v1`) run against a reproduced session, with a
 * steady-state hypothesis, a method of faults, a halt, and a journal kept with the session.
 * Faults: faults.ts (apply/revert) with the undo ledger (ledger.ts); network faults through the
 * fault proxy every session's agent runs (fault-proxy.ts, agent-plugin.ts); the run: runner.ts.
 */
export { runGameday, type RunGamedayOptions, type GamedayRunResult } from './runner';
export { resolveRun } from './plan';
export { replayLedger, replayOrphanedLedgers, type LedgerReplay } from './ledger';
export { bundleScenarios, parseScenarioSource, readBundleScenario, readScenarioFrom, type BundleScenario, type ScenarioText } from './source';
export { listJournals, readJournal, type JournalSummary } from './store';
