// Photos in and out: JPEG/PNG/WebP bytes decoded to RGB24 with sharp (EXIF
// orientation applied), and small JPEG thumbnails of a face for access events.
import sharp from 'sharp';
import type { Box, RgbImage } from './image.ts';

export class PhotoError extends Error {
  readonly code = 'HAVEN_PHOTO_UNREADABLE';
}

/** Largest photo accepted, in pixels; bigger ones are refused before decoding. */
const maxInputPixels = 40_000_000;

/** Decodes a photo; its longer side is scaled down to maxSide when larger. */
export async function decodePhoto(bytes: Uint8Array, maxSide = 1280): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxInputPixels })
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new PhotoError(`photo has ${info.channels} channels, not 3`);
    return { width: info.width, height: info.height, data };
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    throw new PhotoError(`not a readable photo: ${(error as Error).message}`);
  }
}

/** A JPEG of the face and a margin around it, at most sidePx on its longer side. */
export async function faceThumbnail(image: RgbImage, box: Box, sidePx = 96): Promise<Buffer> {
  const margin = 0.25 * Math.max(box.width, box.height);
  const left = clamp(Math.floor(box.x - margin), 0, image.width - 1);
  const top = clamp(Math.floor(box.y - margin), 0, image.height - 1);
  const right = clamp(Math.ceil(box.x + box.width + margin), left + 1, image.width);
  const bottom = clamp(Math.ceil(box.y + box.height + margin), top + 1, image.height);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize({ width: sidePx, height: sidePx, fit: 'inside' })
    .jpeg({ quality: 70 })
    .toBuffer();
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
