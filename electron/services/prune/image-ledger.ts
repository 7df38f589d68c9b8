/**
 * The images this workbench home loaded into the engine (from a bundle's archive, or pulled),
 * as opposed to images that were there already: only these may `repro prune --images` remove.
 * One small JSON file, state/loaded-images.json, written atomically.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../atomic-write';

export interface LoadedImage {
  id: string;
  /** When this home loaded it (ms since the epoch). */
  at: number;
  /** The bundle ref it was loaded for (for people reading the list). */
  ref?: string;
}

export const loadedImagesFile = (stateDir: string) => join(stateDir, 'loaded-images.json');

export function readLoadedImages(stateDir: string): LoadedImage[] {
  try {
    const parsed = JSON.parse(readFileSync(loadedImagesFile(stateDir), 'utf8')) as { images?: LoadedImage[] };
    return (parsed.images ?? []).filter((i) => typeof i?.id === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.id) && Number.isFinite(i.at));
  } catch {
    return [];
  }
}

export function writeLoadedImages(stateDir: string, images: LoadedImage[]): void {
  writeFileAtomicSync(loadedImagesFile(stateDir), JSON.stringify({ images }, null, 2) + '\n');
}

/** Note that this home loaded `id` (the latest load counts for --older-than). */
export function noteLoadedImage(stateDir: string, id: string, ref?: string): void {
  const images = readLoadedImages(stateDir).filter((i) => i.id !== id);
  images.push({ id, at: Date.now(), ...(ref ? { ref } : {}) });
  writeLoadedImages(stateDir, images);
}
