// Types of node-build-options.mjs (plain JavaScript: scripts/build.mjs runs without tsx).
import type { BuildOptions } from 'esbuild';

export declare const BUNDLED_PACKAGES: ReadonlySet<string>;
export declare function nodeBuildOptions(root: string): { common: BuildOptions; esmOptions: BuildOptions; cliOptions: BuildOptions };
