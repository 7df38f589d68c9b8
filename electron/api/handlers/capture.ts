import type { captureMethods } from '../../../shared/api/methods/capture';
import { captureBundle, listCaptureSources, planCapture } from '../../services/capture';
import { engineEndpoint } from '../../services/docker-engine';
import { capturesDir } from '../../services/paths';
import type { HandlerMap } from './types';

export const captureHandlers: HandlerMap<keyof typeof captureMethods> = {
  'capture.sources': async (_input, { wb, signal }) => ({ ...(await listCaptureSources(wb.docker, signal)), outDir: capturesDir(wb.env) }),
  'capture.plan': async ({ selection, overrides }, { wb, signal }) => planCapture(wb.docker, selection, { signal, ...(overrides ? { overrides } : {}) }),
  'capture.run': async ({ selection, out, overrides, incident, logs, pauseForSnapshots, noSnapshot, signKey }, { wb, op, signal, progress, detail }) =>
    captureBundle({
      docker: wb.docker,
      selection,
      out,
      runId: op,
      ...(overrides ? { overrides } : {}),
      ...(incident ? { incident } : {}),
      ...(logs ? { logs: { services: 'all' as const } } : {}),
      ...(pauseForSnapshots ? { pauseForSnapshots } : {}),
      ...(noSnapshot ? { noSnapshot } : {}),
      ...(signKey ? { signKey } : {}),
      createdBy: `repro-workbench ${wb.version} (capture from the ${wb.host === 'desktop' ? 'desktop app' : 'web UI'})`,
      engineEndpoint: engineEndpoint(wb.env),
      signal,
      onProgress: (p) => {
        // Each step is a part with its own bar; the pane also gets every step as live data.
        progress({ part: p.task, label: p.label, done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.unit ? { unit: p.unit } : {}), ...(p.finished ? { finished: true } : {}) });
        detail(p);
      },
    }),
};
