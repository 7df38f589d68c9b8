import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { bundleMethods } from '../../../shared/api/methods/bundle';
import { loadKeyFile, loadTrustedKeysDir } from '../../services/bundles/keys';
import { verifyBundle } from '../../services/bundles/verify';
import { closeOpenBundle, getOpenBundle, openBundleForUi, recentBundles } from '../../services/open-bundles';
import { trustedKeysDir } from '../../services/paths';
import { samplePath } from '../../services/workbench';
import type { HandlerMap } from './types';

export const bundleHandlers: HandlerMap<keyof typeof bundleMethods> = {
  'bundle.open': async ({ path }, { wb }) => openBundleForUi(wb, path),
  'bundle.close': async ({ handle }, { wb }) => ({ closed: await closeOpenBundle(wb, handle) }),
  'bundle.recent': async (_input, { wb }) => recentBundles(wb),
  'bundle.verify': async ({ handle, keys = [] }, { wb, emit }) => {
    const opened = getOpenBundle(wb, handle);
    const task = `verify:${handle}`;
    const label = `Verifying ${opened.manifest.incident.id}`;
    const keysDir = trustedKeysDir(wb.env);
    const trustedKeys = [
      ...(await Promise.all(keys.map(async (k) => ({ keyid: (await loadKeyFile(k)).keyid, source: k })))),
      ...(await loadTrustedKeysDir(keysDir)).keys.map((k) => ({ keyid: k.keyid, source: k.source })),
    ];
    let last = 0;
    try {
      const report = await verifyBundle(opened, {
        keys,
        trustedKeysDir: keysDir,
        onProgress: (p) => {
          // A few updates a second are plenty for a bar; every 4 MiB chunk would flood the socket.
          const now = Date.now();
          if (now - last < 100 && p.done !== p.total) return;
          last = now;
          emit('progress', { task, label, done: p.done, total: p.total, unit: 'bytes' });
        },
      });
      emit('progress', { task, label, done: 1, total: 1, finished: true, ...(report.ok ? {} : { error: `${report.problems.length} problem(s)` }) });
      return { ...report, task, trustedKeys };
    } catch (err) {
      emit('progress', { task, label, done: 0, finished: true, error: (err as Error).message });
      throw err;
    }
  },
  'bundle.sample': async (_input, { wb }) => {
    const path = samplePath(wb);
    if (!path) return null;
    const key = join(wb.appRoot, 'examples', 'keys', 'sample.pub.pem');
    return { path, ...(existsSync(key) ? { publicKey: key } : {}) };
  },
};
