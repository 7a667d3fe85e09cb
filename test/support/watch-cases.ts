// The captured watch frames of ../shared/data/devices/watch-cases.jsonl, read
// where they live (never copied into the project).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WatchCase {
  id: string;
  protocol: string;
  raw: string | null;
  raw_hex?: string;
  expect: Record<string, unknown>;
  note: string;
}

export const watchCasesFile = fileURLToPath(
  new URL('../../../shared/data/devices/watch-cases.jsonl', import.meta.url),
);

export function loadWatchCases(): WatchCase[] {
  return readFileSync(watchCasesFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as WatchCase);
}

/** The case's bytes as the device sent them. */
export function caseBytes(watchCase: WatchCase): Buffer {
  if (watchCase.raw_hex) return Buffer.from(watchCase.raw_hex, 'hex');
  if (watchCase.raw === null) throw new Error(`case ${watchCase.id} has no frame`);
  return Buffer.from(watchCase.raw, 'utf8');
}

export const decodedFamilies = ['watch', 'watch-framing', 'trv-iw'];
