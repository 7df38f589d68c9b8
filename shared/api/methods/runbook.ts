import { z } from '../../zod';
import type { RunAllResult } from '../../runbook/run-all';
import { method, operation } from '../define';

export interface RunbookVersionInfo {
  id: string;
  savedAt: number;
  size: number;
}

export interface RunbookSessionChoice {
  name: string;
  phase: string;
  createdAt: string;
}

export interface RunbookWorkspaceInfo {
  /** The bundle's incident id (its sessions are this id's). */
  bundleId: string;
  /** This bundle's workspace (incident id and bundle.json digest): what save, version and reset take. */
  workspace: string;
  /** The user's edited copy, or the bundle's runbook while there is none. */
  text: string;
  /** True when the user has an edited copy of this bundle's runbook that differs from the bundle's. */
  edited: boolean;
  /** The bundle's own runbook, for the diff view. */
  bundleText: string;
  hasBundleRunbook: boolean;
  revision: string;
  versions: RunbookVersionInfo[];
  /** Sessions of this bundle the steps can run against (running first). */
  sessions: RunbookSessionChoice[];
}

/** Live data of a runbook run (`opDetail` of runbook.run) while its steps run. */
export type RunbookUpdate =
  | { type: 'start'; runId: string; index: number }
  | { type: 'output'; runId: string; index: number; chunk: string }
  | { type: 'done'; runId: string; index: number; result: RunAllResult['steps'][number] };

const bundleHandle = z.string().min(1).max(200);
const bundleId = z.string().min(1).max(500);
const workspace = z.string().min(1).max(520);
const sessionName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a session name' });

export const runbookMethods = {
  /** The runbook of an open bundle as the user has it (their edited copy, else the bundle's); writes nothing. */
  'runbook.open': method(z.object({ handle: bundleHandle }).strict()).returns<RunbookWorkspaceInfo>(),
  /** Save the edited copy (made by the first save that changes something). */
  'runbook.save': method(z.object({ workspace, text: z.string().max(5_000_000), baseRevision: z.string().max(64).optional() }).strict()).returns<{
    revision: string;
    savedAt: number;
    changed: boolean;
    versions: RunbookVersionInfo[];
  }>(),
  'runbook.version': method(z.object({ workspace, id: z.string().regex(/^\d{13}-\d{4}$/) }).strict()).returns<{ text: string }>(),
  /** Forget the edited copy of this bundle's runbook (and its history): the bundle's is used again. */
  'runbook.reset': method(z.object({ workspace }).strict()).returns<{ reset: boolean }>(),
  'runbook.sessions': method(z.object({ bundleId }).strict()).returns<RunbookSessionChoice[]>(),
  /** Run steps [from, to) of `text` against the session (an operation; one run per session); each step run is recorded. */
  'runbook.run': operation(
    z
      .object({
        session: sessionName,
        text: z.string().max(5_000_000),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        runId: z.string().max(100).optional(),
      })
      .strict(),
  ).returns<RunAllResult & { runId: string }, RunbookUpdate>(),
  /** Stop the session's runbook run (op.cancel of it): the running step is killed with what it started. */
  'runbook.stop': method(z.object({ session: sessionName }).strict()).returns<{ stopped: boolean }>(),
};
