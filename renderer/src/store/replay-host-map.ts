import { create } from 'zustand';
import { formatHostMapping, parseHostMapping } from '../../../shared/replay/request';

/**
 * The Replay pane's host map (`HOST[:PORT]=SERVICE` entries, like `repro replay --host-map`): what
 * the user typed, and the entries it parses to or what is wrong with it. User input only; kept
 * while switching panes.
 */
interface HostMapState {
  text: string;
  setText(text: string): void;
}

export const useReplayHostMap = create<HostMapState>((set) => ({
  text: '',
  setText: (text) => set({ text }),
}));

/** Entries separated by commas, spaces or new lines. */
export function parseHostMapText(text: string): { entries: string[]; error?: string } {
  const entries: string[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    try {
      entries.push(formatHostMapping(parseHostMapping(part)));
    } catch (err) {
      return { entries, error: (err as Error).message };
    }
  }
  return { entries };
}
