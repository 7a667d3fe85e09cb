// The picture that goes with an intrusion alert: the whole frame at its own
// resolution with the zone outlined and each intruder's box drawn, as JPEG.
import sharp from 'sharp';
import type { RgbImage } from '../../models/image.ts';
import type { DetectedObject } from '../../models/people/objects.ts';
import type { NormalisedPoint } from './zones.ts';

export async function intrusionSnapshot(
  frame: RgbImage,
  zone: readonly NormalisedPoint[],
  intruders: readonly DetectedObject[],
): Promise<Buffer> {
  const { width, height } = frame;
  const stroke = Math.max(2, Math.round(width / 320));
  const zonePoints = zone.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`);
  const boxes = intruders.map(({ box, score, objectClass }) => {
    const x = Math.max(0, box.x).toFixed(1);
    const y = Math.max(0, box.y).toFixed(1);
    const label = `${objectClass} ${Math.round(score * 100)}%`;
    return (
      `<rect x="${x}" y="${y}" width="${box.width.toFixed(1)}" height="${box.height.toFixed(1)}"` +
      ` fill="none" stroke="#ff2020" stroke-width="${stroke}"/>` +
      `<text x="${x}" y="${Math.max(12, box.y - 4).toFixed(1)}" fill="#ff2020"` +
      ` font-family="sans-serif" font-size="${6 * stroke + 2}">${label}</text>`
    );
  });
  const overlay =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<polygon points="${zonePoints.join(' ')}" fill="none" stroke="#ffd000"` +
    ` stroke-width="${stroke}" stroke-dasharray="${4 * stroke}"/>${boxes.join('')}</svg>`;
  return sharp(frame.data, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(overlay) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
