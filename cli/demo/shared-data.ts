// Where the demo finds the shared recorded input (../shared/data next to the
// repository), read in place and never copied.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const sharedDataFolder = resolve(repositoryRoot, '..', 'shared', 'data');

export function sharedDataFile(...parts: string[]): string {
  const file = resolve(sharedDataFolder, ...parts);
  if (!existsSync(file)) throw new Error(`the demo needs ${file} (../shared/data)`);
  return file;
}
