import type { bundleMethods } from '../../../shared/api/methods/bundle';
import { closeOpenBundle, openBundleForUi, recentBundles } from '../../services/open-bundles';
import type { HandlerMap } from './types';

export const bundleHandlers: HandlerMap<keyof typeof bundleMethods> = {
  'bundle.open': async ({ path }, { wb }) => openBundleForUi(wb, path),
  'bundle.close': async ({ handle }, { wb }) => ({ closed: await closeOpenBundle(wb, handle) }),
  'bundle.recent': async (_input, { wb }) => recentBundles(wb),
};
