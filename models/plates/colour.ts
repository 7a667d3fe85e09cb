// HyperLPR3's plate colour classifier: the plate crop squeezed to 96×96, BGR
// x/255; softmax over blue, green (new energy) and yellow (large vehicles).
import type { Tensor } from 'onnxruntime-node';
import { resizeBilinear, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import { imageTensor } from '../tensor.ts';
import type { PlateColour } from './grammar.ts';

const path = 'resource/models/onnx/litemodel_cls_96x_r1.onnx';
const commit = '58ad4ef736fec5289e8c8cb842e066e70c4672c3';

export const plateColourClassifier: ModelManifest = {
  id: 'hyperlpr3_colour_96',
  file: 'plate_color_hyperlpr3_cls_96.onnx',
  bytes: 1604473,
  sha256: 'fe123688d3bf08b9ef029fcd57f3ac4644ac2e5ef8b9e7a676aacd5fad152142',
  upstream: {
    repository: 'szad670401/HyperLPR',
    path,
    commit,
    url: `https://github.com/szad670401/HyperLPR/raw/${commit}/${path}`,
    licence: 'Apache-2.0',
  },
  input: {
    name: 'data',
    shape: [1, 3, 96, 96],
    layout: 'NCHW',
    channels: 'BGR',
    normalisation: { scale: 255, mean: [0, 0, 0], std: [1, 1, 1] },
    resize: 'squeeze the upright plate crop to 96×96',
  },
  outputs: [{ name: 'output', shape: [1, 3], meaning: 'softmax: blue, green, yellow' }],
};

const colours: PlateColour[] = ['blue', 'green', 'yellow'];

export function colourInput(plate: RgbImage): Float32Array {
  return imageTensor(resizeBilinear(plate, 96, 96), plateColourClassifier.input, 96, 96);
}

export function decodeColour(outputs: Record<string, Tensor>): {
  colour: PlateColour;
  score: number;
} {
  const scores = outputs.output!.data as Float32Array;
  let best = 0;
  for (let index = 1; index < colours.length; index++) {
    if (scores[index]! > scores[best]!) best = index;
  }
  return { colour: colours[best]!, score: scores[best]! };
}
