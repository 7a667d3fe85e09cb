// Builds the police-room dashboard (dashboards/police-room/src, Preact + TSX)
// with esbuild into dashboards/police-room/dist/<digest>/: one minified script,
// one stylesheet, the page and the CJK font, so the browser fetches nothing
// from outside the hub. The folder is named by a digest of everything that goes
// into it: a hub starting on unchanged sources reuses it, and hubs starting at
// the same moment (parallel tests) never write into a folder another serves.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

export const dashboardRoot = fileURLToPath(
  new URL('../../dashboards/police-room/', import.meta.url),
);
const sourceDir = join(dashboardRoot, 'src');
const outputRoot = join(dashboardRoot, 'dist');
const thisFile = fileURLToPath(import.meta.url);

/**
 * CJK fonts the wall screen may use, first found wins. Debian's
 * fonts-droid-fallback is a single TrueType file Chromium's font sanitiser
 * accepts (wqy-microhei's .ttc is refused: "FFTM: misaligned table").
 */
export const cjkFontCandidates = ['/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf'];

export interface DashboardBuildOptions {
  /** A CJK TrueType/OpenType font to bundle; default: the first of cjkFontCandidates. */
  cjkFontPath?: string;
}

export interface DashboardBuild {
  /** The folder the hub serves. */
  folder: string;
  digest: string;
  /** False when an existing build of the same sources was reused. */
  built: boolean;
  /**
   * Set when no CJK font was found to bundle: the page then uses the browser's
   * own fonts, which on a machine without Chinese fonts shows boxes.
   */
  fontMissing?: string;
}

export class DashboardBuildError extends Error {
  override name = 'DashboardBuildError';
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else files.push(path);
  }
  return files.sort();
}

/** The CJK font to bundle, or undefined when none of the candidates is installed. */
function findCjkFont(options: DashboardBuildOptions): string | undefined {
  const candidates = options.cjkFontPath ? [options.cjkFontPath] : cjkFontCandidates;
  return candidates.find((path) => existsSync(path));
}

function packageVersion(name: string): string {
  const path = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** A digest of the sources, this build script, the tool versions and the font. */
function buildDigest(fontPath: string | undefined): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(sourceDir), thisFile]) {
    hash.update(relative(dashboardRoot, file)).update('\0').update(readFileSync(file));
  }
  hash.update(`esbuild ${esbuildVersion} preact ${packageVersion('preact')}`);
  if (fontPath) {
    const font = statSync(fontPath);
    hash.update(`font ${fontPath} ${font.size} ${font.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function buildInto(folder: string, fontPath: string | undefined): Promise<void> {
  mkdirSync(join(folder, 'fonts'), { recursive: true });
  await build({
    entryPoints: { app: join(sourceDir, 'main.tsx') },
    outdir: folder,
    bundle: true,
    minify: true,
    format: 'esm',
    // The JSMpeg fallback player loads as its own chunk, only when needed.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // The font is copied beside the bundle, not inlined into the stylesheet.
    external: ['/fonts/*'],
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
  });
  copyFileSync(join(sourceDir, 'index.html'), join(folder, 'index.html'));
  if (fontPath) copyFileSync(fontPath, join(folder, 'fonts', 'cjk.ttf'));
}

/** Builds the dashboard unless a build of the same inputs exists; returns its folder. */
export async function ensureDashboardBuilt(
  options: DashboardBuildOptions = {},
): Promise<DashboardBuild> {
  const fontPath = findCjkFont(options);
  const looked = options.cjkFontPath ? [options.cjkFontPath] : cjkFontCandidates;
  const fontMissing = fontPath
    ? undefined
    : `no CJK font at ${looked.join(', ')}; install Debian fonts-droid-fallback`;
  const digest = buildDigest(fontPath);
  const folder = join(outputRoot, digest);
  const result = { folder, digest, ...(fontMissing && { fontMissing }) };
  if (existsSync(join(folder, 'index.html'))) return { ...result, built: false };

  const scratch = `${folder}.building-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    await buildInto(scratch, fontPath);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw new DashboardBuildError(`the dashboard did not build: ${(error as Error).message}`);
  }
  try {
    renameSync(scratch, folder);
  } catch {
    // Another process finished the same build first; theirs is identical.
    rmSync(scratch, { recursive: true, force: true });
  }
  removeOldBuilds(digest);
  return { ...result, built: true };
}

/** Builds of older sources, once nothing can still be serving them from a recent start. */
function removeOldBuilds(current: string): void {
  const keepSinceMs = Date.now() - 10 * 60_000;
  for (const name of readdirSync(outputRoot)) {
    const path = join(outputRoot, name);
    if (name === current || statSync(path).mtimeMs > keepSinceMs) continue;
    rmSync(path, { recursive: true, force: true });
  }
}
