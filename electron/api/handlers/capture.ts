import type { captureMethods } from '../../../shared/api/methods/capture';
import { captureBundle, listCaptureSources, planCapture } from '../../services/capture';
import { engineEndpoint } from '../../services/docker-engine';
import { capturesDir } from '../../services/paths';
import type { HandlerMap } from './types';

export const captureHandlers: HandlerMap<keyof typeof captureMethods> = {
  'capture.sources': async (_input, { wb }) => ({ ...(await listCaptureSources(wb.docker)), outDir: capturesDir(wb.env) }),
  'capture.plan': async ({ selection, overrides }, { wb }) => planCapture(wb.docker, selection, overrides ? { overrides } : {}),
  'capture.run': async ({ selection, out, runId, overrides, incident, logs, pauseForSnapshots, noSnapshot, signKey }, { wb, emit }) => {
    const last = new Map<string, number>();
    return captureBundle({
      docker: wb.docker,
      selection,
      out,
      ...(runId ? { runId } : {}),
      ...(overrides ? { overrides } : {}),
      ...(incident ? { incident } : {}),
      ...(logs ? { logs: { services: 'all' as const } } : {}),
      ...(pauseForSnapshots ? { pauseForSnapshots } : {}),
      ...(noSnapshot ? { noSnapshot } : {}),
      ...(signKey ? { signKey } : {}),
      createdBy: `repro-workbench ${wb.version} (capture from the ${wb.host === 'desktop' ? 'desktop app' : 'web UI'})`,
      engineEndpoint: engineEndpoint(wb.env),
      onProgress: (p) => {
        // A few updates a second per task are plenty for a bar.
        const now = Date.now();
        if (!p.finished && now - (last.get(p.task) ?? 0) < 100) return;
        last.set(p.task, now);
        emit('progress', p);
      },
    });
  },
};
