import type { appMethods } from '../../../shared/api/methods/app';
import { engineStatus } from '../../services/docker-engine';
import { samplePath } from '../../services/workbench';
import type { HandlerMap } from './types';

export const appHandlers: HandlerMap<keyof typeof appMethods> = {
  'app.info': async (_input, { wb }) => {
    const sample = samplePath(wb);
    return {
      name: 'Repro Workbench',
      version: wb.version,
      host: wb.host === 'desktop' ? 'desktop' : 'web',
      platform: `${process.platform}-${process.arch}`,
      ...(sample ? { samplePath: sample } : {}),
    };
  },
  'app.engineStatus': async (_input, { wb }) => engineStatus(wb.docker, 3000, wb.env),
};
