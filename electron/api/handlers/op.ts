import { WorkbenchError } from '../../../shared/api/errors';
import type { opMethods } from '../../../shared/api/methods/op';
import type { HandlerMap } from './types';

export const opHandlers: HandlerMap<keyof typeof opMethods> = {
  'op.list': async ({ since, session }, { wb }) => wb.ops.list({ ...(since !== undefined ? { since } : {}), ...(session ? { session } : {}) }),
  'op.get': async ({ id }, { wb }) => {
    const snap = wb.ops.get(id);
    if (!snap) throw new WorkbenchError('not_found', `no operation ${id} (it ended long ago, or the backend restarted)`);
    return snap;
  },
  'op.cancel': async ({ id }, { wb }) => ({ cancelled: wb.ops.cancel(id) }),
  'op.watch': async ({ id }, { wb, client }) => wb.ops.watch(id, client),
  'op.unwatch': async ({ id }, { wb, client }) => {
    wb.ops.unwatch(id, client);
    return { watching: false as const };
  },
};
