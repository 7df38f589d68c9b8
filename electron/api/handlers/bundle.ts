import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { bundleMethods } from '../../../shared/api/methods/bundle';
import { verifyBundle } from '../../services/bundles/verify';
import { closeOpenBundle, getOpenBundle, openBundleForUi, recentBundles } from '../../services/open-bundles';
import { trustedKeysDir } from '../../services/paths';
import { samplePath } from '../../services/workbench';
import type { HandlerMap } from './types';

export const bundleHandlers: HandlerMap<keyof typeof bundleMethods> = {
  'bundle.open': async ({ path, limits }, { wb, signal, progress }) => {
    progress({ label: `Opening ${path}`, done: 0 });
    return openBundleForUi(wb, path, {
      signal,
      ...(limits ? { limits } : {}),
      onUnpackProgress: (p) => progress({ label: 'Unpacking', done: p.done, total: p.total, unit: 'bytes' }),
    });
  },
  'bundle.close': async ({ handle }, { wb }) => ({ closed: await closeOpenBundle(wb, handle) }),
  'bundle.recent': async (_input, { wb }) => recentBundles(wb),
  'bundle.verify': async ({ handle, keys = [] }, { wb, signal, progress }) => {
    const opened = getOpenBundle(wb, handle);
    const label = `Verifying ${opened.manifest.incident.id}`;
    let trustedKeys: { keyid: string; source: string }[] = [];
    const report = await verifyBundle(opened, {
      keys,
      trustedKeysDir: trustedKeysDir(wb.env),
      signal,
      onTrustedKeys: (used) => (trustedKeys = used.map((k) => ({ keyid: k.keyid, source: k.source }))),
      onProgress: (p) => progress({ label, done: p.done, total: p.total, unit: 'bytes' }),
    });
    return { ...report, trustedKeys };
  },
  'bundle.sample': async (_input, { wb }) => {
    const path = samplePath(wb);
    if (!path) return null;
    const key = join(wb.appRoot, 'examples', 'keys', 'sample.pub.pem');
    return { path, ...(existsSync(key) ? { publicKey: key } : {}) };
  },
};
