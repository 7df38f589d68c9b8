/**
 * When each request is sent, relative to the start of the replay.
 *  as-recorded  the recorded inter-arrival gaps, each capped (a 20-minute lull in the recording
 *               should not stall a reproduction);
 *  xN           the gaps divided by N (x2 = twice as fast, x0.5 = half speed), then capped;
 *  max          everything at once; the concurrency limit alone paces it.
 */
import type { ReplayMode } from '../../../shared/replay/report';

export const DEFAULT_GAP_CAP_MS = 5_000;

export function sendOffsets(startedAtMs: readonly number[], mode: ReplayMode, gapCapMs = DEFAULT_GAP_CAP_MS): number[] {
  if (mode.kind === 'max') return startedAtMs.map(() => 0);
  const factor = mode.kind === 'scaled' ? mode.factor : 1;
  const out: number[] = [];
  let at = 0;
  startedAtMs.forEach((t, i) => {
    if (i > 0) {
      const gap = Math.max(0, t - startedAtMs[i - 1]!) / factor;
      at += Math.min(gap, gapCapMs);
    }
    out.push(at);
  });
  return out;
}
