/**
 * The one polite live region of the app (shown in the status bar): what a long operation ended
 * with (an environment up, a replay finished, a verification), and each runbook step that passed
 * or failed. Screen readers read it when the user is elsewhere; sighted users see the last one.
 * Operation results come from the broadcast `op` stream (store/live.ts), so a replay the CLI ran
 * is announced too; step results from this window's runs (store/runbook.ts).
 */
import { create } from 'zustand';
import type { OperationEvent } from '../../../shared/api/events';

interface AnnouncerState {
  message: string;
  /** Bumped on every announcement: the same words twice are read twice. */
  seq: number;
}

export const useAnnouncer = create<AnnouncerState>(() => ({ message: '', seq: 0 }));

export function announce(message: string): void {
  useAnnouncer.setState((s) => ({ message, seq: s.seq + 1 }));
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What an operation's final event says, in words; undefined for events nobody needs to hear. */
export function describeOperationEvent(e: OperationEvent): string | undefined {
  if (e.type === 'started' || e.type === 'progress') return undefined;
  const on = e.op.session ? ` of ${e.op.session}` : '';
  const how = e.type === 'failed' ? `failed: ${e.error.message}` : 'cancelled';
  switch (e.method) {
    case 'env.up':
      return e.type === 'done' ? `Environment up: session ${e.result.session}, ${plural(e.result.services.length, 'service')}${e.result.drift.length ? `, ${plural(e.result.drift.length, 'drift')}` : ', no drift'}` : `Environment start ${how}`;
    case 'env.down':
      return e.type === 'done' ? `Session ${e.op.session ?? ''} stopped` : `Stopping${on} ${how}`;
    case 'replay.run': {
      if (e.type !== 'done' && e.type !== 'cancelled') return `Replay${on} ${how}`;
      const r = e.result;
      if (!r) return `Replay${on} cancelled`;
      return `Replay${on} ${r.cancelled || e.type === 'cancelled' ? 'stopped' : 'finished'}: ${r.matched} of ${r.sent} matched, ${r.mismatched} mismatched, ${plural(r.errors, 'error')}`;
    }
    case 'replay.suggestNoise':
      return e.type === 'done' ? `Noise suggestion${on} done: ${plural(e.result.suggested.length, 'path')} proposed` : `Noise suggestion${on} ${how}`;
    case 'runbook.run': {
      if (e.type !== 'done' && e.type !== 'cancelled') return `Runbook run${on} ${how}`;
      const r = e.result;
      if (!r) return `Runbook run${on} cancelled`;
      const passed = r.steps.filter((s) => s.ok).length;
      return `Runbook run${on} ${r.cancelled || e.type === 'cancelled' ? 'stopped' : 'finished'}: ${passed} of ${plural(r.steps.length, 'step')} passed`;
    }
    case 'bundle.verify':
      return e.type === 'done' ? (e.result.ok ? 'Verification: integrity holds' : `Verification failed: ${plural(e.result.problems.length, 'problem')}`) : `Verification ${how}`;
    case 'bundle.open':
      return e.type === 'done' ? `Opened ${e.result.manifest.incident.id}: ${e.result.manifest.incident.title}` : e.type === 'failed' ? `Opening the bundle ${how}` : undefined;
    default:
      return e.type === 'done' ? undefined : `${e.method} ${how}`;
  }
}

export function announceOperationEvent(e: OperationEvent): void {
  const message = describeOperationEvent(e);
  if (message) announce(message);
}
