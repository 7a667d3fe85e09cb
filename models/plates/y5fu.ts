// HyperLPR3's plate detector (YOLOv5-face style): a box, four corner points and
// whether the plate has one line of characters or two. Input RGB x/255,
// letterboxed into a square (centred, black bands).
import type { Tensor } from 'onnxruntime-node';
import { suppressOverlaps, type Box, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import { imageTensor, scaleToSide } from '../tensor.ts';
import type { PlateLayers } from './grammar.ts';
import type { Quad } from './warp.ts';

const upstream = {
  repository: 'szad670401/HyperLPR',
  commit: '58ad4ef736fec5289e8c8cb842e066e70c4672c3',
  licence: 'Apache-2.0',
};

function y5fuManifest(side: 320 | 640, bytes: number, sha256: string): ModelManifest {
  const path = `resource/models/onnx/y5fu_${side}x_sim.onnx`;
  return {
    id: `y5fu_${side}`,
    file: `plate_det_hyperlpr3_y5fu_${side}.onnx`,
    bytes,
    sha256,
    upstream: {
      ...upstream,
      path,
      url: `https://github.com/${upstream.repository}/raw/${upstream.commit}/${path}`,
    },
    input: {
      name: 'input',
      shape: [1, 3, side, side],
      layout: 'NCHW',
      channels: 'RGB',
      normalisation: { scale: 255, mean: [0, 0, 0], std: [1, 1, 1] },
      resize: `scale to fit ${side}×${side} keeping the shape, centred, black bands`,
    },
    outputs: [
      {
        name: 'output',
        shape: [1, side === 320 ? 6300 : 25200, 15],
        meaning: 'cx, cy, w, h, objectness, 4 corners (x, y), p(single line), p(double line)',
      },
    ],
  };
}

export const y5fu320 = y5fuManifest(
  320,
  2343161,
  '2a985dc63a5cc947ec36d18503d6fc0fd54525b9dba17f2fe29a71e86b44456d',
);
export const y5fu640 = y5fuManifest(
  640,
  3930791,
  '0306de937471b87f56eb3f5620815e7e7058f8ab7428e0734fc64627cc4d716c',
);

export interface DetectedPlate {
  /** In the image's pixels. */
  box: Box;
  corners: Quad;
  /** objectness × the layer class probability, 0..1. */
  score: number;
  layers: PlateLayers;
}

export interface LetterboxedInput {
  data: Float32Array;
  side: number;
  /** Letterbox pixels per image pixel. */
  scale: number;
  left: number;
  top: number;
}

export function y5fuInput(image: RgbImage, side: number): LetterboxedInput {
  const fitted = scaleToSide(image, side);
  const left = Math.floor((side - fitted.width) / 2);
  const top = Math.floor((side - fitted.height) / 2);
  const data = imageTensor(fitted, y5fu320.input, side, side, { left, top, fill: 0 });
  return { data, side, scale: fitted.width / image.width, left, top };
}

/** Rows over minScore, mapped back to image pixels, overlaps suppressed (IoU 0.6). */
export function decodeY5fu(
  outputs: Record<string, Tensor>,
  input: LetterboxedInput,
  minScore: number,
): DetectedPlate[] {
  const rows = outputs.output!.data as Float32Array;
  const plates: DetectedPlate[] = [];
  const toImageX = (x: number) => (x - input.left) / input.scale;
  const toImageY = (y: number) => (y - input.top) / input.scale;
  for (let offset = 0; offset + 15 <= rows.length; offset += 15) {
    const objectness = rows[offset + 4]!;
    if (objectness < minScore) continue;
    const single = rows[offset + 13]!;
    const double = rows[offset + 14]!;
    const score = objectness * Math.max(single, double);
    if (score < minScore) continue;
    const cx = rows[offset]!;
    const cy = rows[offset + 1]!;
    const w = rows[offset + 2]!;
    const h = rows[offset + 3]!;
    const corners = [0, 1, 2, 3].map((corner) => [
      toImageX(rows[offset + 5 + 2 * corner]!),
      toImageY(rows[offset + 6 + 2 * corner]!),
    ]) as Quad;
    plates.push({
      box: {
        x: toImageX(cx - w / 2),
        y: toImageY(cy - h / 2),
        width: w / input.scale,
        height: h / input.scale,
      },
      corners,
      score,
      layers: double > single ? 'double' : 'single',
    });
  }
  return suppressOverlaps(plates, 0.6);
}
