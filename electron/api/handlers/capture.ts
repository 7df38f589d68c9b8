import type { captureMethods } from '../../../shared/api/methods/capture';
import { engineEndpoint } from '../../services/docker-engine';
import { capturesDir } from '../../services/paths';
import type { HandlerMap } from './types';
import { timed } from '../../services/timing';

// Capture's modules load on first use, so starting a host (or any CLI command) does not pay for them.
const capture = () => timed('load the capture services', () => import('../../services/capture'));

export const captureHandlers: HandlerMap<keyof typeof captureMethods> = {
  'capture.sources': async (_input, { wb, signal }) => ({ ...(await (await capture()).listCaptureSources(wb.docker, signal)), outDir: capturesDir(wb.env) }),
  'capture.plan': async ({ selection, overrides }, { wb, signal }) => (await capture()).planCapture(wb.docker, selection, { signal, ...(overrides ? { overrides } : {}) }),
  'capture.run': async (input, { wb, op, signal, progress, detail }) =>
    (await capture()).captureBundle({
      ...input,
      docker: wb.docker,
      runId: op,
      createdBy: `repro-workbench ${wb.version} (${wb.host === 'cli' ? 'repro capture' : `capture from the ${wb.host === 'desktop' ? 'desktop app' : 'web UI'}`})`,
      engineEndpoint: engineEndpoint(wb.env),
      signal,
      onProgress: (p) => {
        // Each step is a part with its own bar; the pane also gets every step as live data.
        progress({ part: p.task, label: p.label, done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.unit ? { unit: p.unit } : {}), ...(p.finished ? { finished: true } : {}) });
        detail(p);
      },
    }),
};
