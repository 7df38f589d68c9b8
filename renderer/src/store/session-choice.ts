import { create } from 'zustand';

/**
 * Which session the Runbook and Record panes act on. Chosen in either pane and kept when
 * switching between them.
 */
interface SessionChoiceState {
  session?: string;
  setSession(session: string | undefined): void;
}

export const useSessionChoice = create<SessionChoiceState>((set) => ({
  setSession: (session) => set({ session }),
}));
