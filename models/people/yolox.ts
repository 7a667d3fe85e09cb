// YOLOX-Nano (COCO, 80 classes): input 416×416 BGR 0..255, the picture scaled
// to fit and placed top-left on grey 114. The output grid is not decoded:
// each row is x, y, log w, log h (in cells of its stride), objectness and
// the 80 class probabilities.
import type { Tensor } from 'onnxruntime-node';
import { suppressOverlaps, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import { imageTensor, scaleToSide } from '../tensor.ts';
import { cocoClassIds, type DetectedObject, type ObjectClass } from './objects.ts';

const commit = '371cb249700106b50b2f934b7f18df3f9d127473';
const path = 'models/object_detection_yolox/yolox_nano.onnx';

export const yoloxNano: ModelManifest = {
  id: 'yolox_nano',
  file: 'person_det_yolox_nano_416.onnx',
  bytes: 3659407,
  sha256: 'c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d',
  upstream: {
    repository: 'opencv/opencv_zoo',
    path,
    commit,
    url: `https://github.com/opencv/opencv_zoo/raw/${commit}/${path}`,
    licence: 'Apache-2.0',
  },
  input: {
    name: 'images',
    shape: [1, 3, 416, 416],
    layout: 'NCHW',
    channels: 'BGR',
    normalisation: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    resize: 'scale to fit 416×416 keeping the shape, top-left, the rest grey 114',
  },
  outputs: [
    {
      name: 'output',
      shape: [1, 3549, 85],
      meaning: 'per cell of strides 8/16/32: x, y, log w, log h, objectness, 80 class probs',
    },
  ],
};

export const yoloxSide = 416;
const strides = [8, 16, 32];

export interface ScaledInput {
  data: Float32Array;
  /** Input pixels per image pixel. */
  scale: number;
}

export function yoloxInput(image: RgbImage): ScaledInput {
  const fitted = scaleToSide(image, yoloxSide);
  const data = imageTensor(fitted, yoloxNano.input, yoloxSide, yoloxSide, {
    left: 0,
    top: 0,
    fill: 114,
  });
  return { data, scale: fitted.width / image.width };
}

/** Objects of the wanted classes over minScore, in image pixels, overlaps suppressed. */
export function decodeYolox(
  outputs: Record<string, Tensor>,
  input: ScaledInput,
  classes: readonly ObjectClass[],
  minScore: number,
): DetectedObject[] {
  const rows = outputs.output!.data as Float32Array;
  const found: DetectedObject[] = [];
  let row = 0;
  for (const stride of strides) {
    const cells = yoloxSide / stride;
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++, row++) {
        const offset = row * 85;
        const objectness = rows[offset + 4]!;
        if (objectness < minScore) continue;
        for (const objectClass of classes) {
          const score = objectness * rows[offset + 5 + cocoClassIds[objectClass]]!;
          if (score < minScore) continue;
          const cx = (rows[offset]! + gx) * stride;
          const cy = (rows[offset + 1]! + gy) * stride;
          const w = Math.exp(rows[offset + 2]!) * stride;
          const h = Math.exp(rows[offset + 3]!) * stride;
          found.push({
            objectClass,
            score,
            box: {
              x: (cx - w / 2) / input.scale,
              y: (cy - h / 2) / input.scale,
              width: w / input.scale,
              height: h / input.scale,
            },
          });
        }
      }
    }
  }
  return classes.flatMap((objectClass) =>
    suppressOverlaps(
      found.filter((object) => object.objectClass === objectClass),
      0.45,
    ),
  );
}
