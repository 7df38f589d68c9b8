import { create } from 'zustand';
import type { TrafficAddResult } from '../../../shared/api/methods/traffic';
import { api } from '../api';

/**
 * Importing a HAR into the open bundle (`traffic.add`): the chosen files go to the backend, which
 * normalises, redacts and lists it. One import at a time; the last result or error is kept.
 */
interface TrafficImportState {
  busy: boolean;
  result?: TrafficAddResult;
  error?: string;
  importHar(handle: string, files: File[], opts: { as?: string; fixture?: boolean }): Promise<void>;
}

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) s += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(s);
}

export const useTrafficImport = create<TrafficImportState>((set, get) => ({
  busy: false,
  async importHar(handle, files, opts) {
    if (get().busy) return;
    // The HAR is the .har (or the one .json); other files are bodies Playwright kept beside it.
    const har = files.find((f) => /\.har$/i.test(f.name)) ?? (files.length === 1 ? files[0] : undefined);
    if (!har) return set({ error: 'Choose one .har file (and, for a Playwright attach-mode HAR, the body files beside it).', result: undefined });
    set({ busy: true, error: undefined, result: undefined });
    try {
      const attachments: Record<string, string> = {};
      for (const f of files) if (f !== har) attachments[f.name] = toBase64(await f.arrayBuffer());
      const result = await api.call('traffic.add', {
        handle,
        fileName: har.name,
        text: await har.text(),
        ...(Object.keys(attachments).length ? { attachments } : {}),
        ...(opts.as ? { as: opts.as } : {}),
        ...(opts.fixture ? { fixture: true } : {}),
      });
      set({ busy: false, result });
    } catch (err) {
      set({ busy: false, error: (err as Error).message });
    }
  },
}));
