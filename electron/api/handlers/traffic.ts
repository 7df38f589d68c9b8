import { WorkbenchError } from '../../../shared/api/errors';
import type { trafficMethods } from '../../../shared/api/methods/traffic';
import { getOpenBundle } from '../../services/open-bundles';
import { addTraffic } from '../../services/replay/traffic-add';
import type { HandlerMap } from './types';

export const trafficHandlers: HandlerMap<keyof typeof trafficMethods> = {
  'traffic.add': async ({ handle, fileName, text, attachments, as, fixture }, { wb }) => {
    const opened = getOpenBundle(wb, handle);
    if (opened.packed) throw new WorkbenchError('invalid_argument', `${opened.source} was opened from an archive; import traffic into a bundle folder (unpack it first)`);
    const bodies = new Map(Object.entries(attachments ?? {}).map(([name, b64]) => [name, Buffer.from(b64, 'base64')]));
    return addTraffic({
      bundleRoot: opened.root,
      source: { fileName, text, attachment: (name) => bodies.get(name) },
      ...(as !== undefined ? { as } : {}),
      ...(fixture ? { fixture } : {}),
    });
  },
};
