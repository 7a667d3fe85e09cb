// Paths into ../shared, the read-only folder of real data and models that sits
// beside the repository (in CI too), found from this file, not from the cwd.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export function sharedPath(...parts: string[]): string {
  return resolve(repositoryRoot, '..', 'shared', ...parts);
}
