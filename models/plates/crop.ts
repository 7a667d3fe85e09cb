// The plate crop kept with a vehicle access event: the plate's box and a
// margin around it, as a small JPEG.
import sharp from 'sharp';
import type { Box, RgbImage } from '../image.ts';

export async function plateCrop(image: RgbImage, box: Box, maxWidthPx = 240): Promise<Buffer> {
  const marginX = 0.15 * box.width;
  const marginY = 0.3 * box.height;
  const left = clamp(Math.floor(box.x - marginX), 0, image.width - 1);
  const top = clamp(Math.floor(box.y - marginY), 0, image.height - 1);
  const right = clamp(Math.ceil(box.x + box.width + marginX), left + 1, image.width);
  const bottom = clamp(Math.ceil(box.y + box.height + marginY), top + 1, image.height);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize({ width: maxWidthPx, withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
