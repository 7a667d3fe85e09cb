// MobileFaceNet (foamliu): a 128-d face embedding from an aligned 112×112 RGB
// crop, ImageNet-normalised. Two faces are compared by the cosine of their
// L2-normalised embeddings.
import type { RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';

export const mobileFaceNet: ModelManifest = {
  id: 'mobilefacenet',
  file: 'face_rec_mobilefacenet_foamliu_112.onnx',
  bytes: 3998070,
  sha256: 'b7120c095d60094f28a4a54ba6a8bf51b297a6273fb40ef6350dfec1f63d9507',
  upstream: {
    repository: 'foamliu/MobileFaceNet',
    path: 'weights/MobileFaceNet.onnx',
    commit: 'a6cc9032a659b615f477833e1a70b5e7931bcccc',
    url:
      'https://github.com/foamliu/MobileFaceNet/raw/' +
      'a6cc9032a659b615f477833e1a70b5e7931bcccc/weights/MobileFaceNet.onnx',
    licence: 'Apache-2.0 (trained on MS1M, a withdrawn data set)',
  },
  input: {
    name: 'input0',
    shape: [1, 3, 112, 112],
    layout: 'NCHW',
    channels: 'RGB',
    normalisation: { scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    resize: 'similarity-align five landmarks to the ArcFace 112×112 template',
  },
  outputs: [{ name: 'output0', shape: [1, 128], meaning: 'embedding; L2-normalise, then cosine' }],
};

export const embeddingLength = 128;
export const embedderInputSide = 112;

export function embedderInput(aligned: RgbImage): Float32Array {
  const { mean, std, scale } = mobileFaceNet.input.normalisation;
  const plane = embedderInputSide * embedderInputSide;
  const data = new Float32Array(3 * plane);
  for (let index = 0; index < plane; index++) {
    for (let channel = 0; channel < 3; channel++) {
      const value = aligned.data[index * 3 + channel]! / scale;
      data[channel * plane + index] = (value - mean[channel]!) / std[channel]!;
    }
  }
  return data;
}

/** Copies and scales the vector to unit length. */
export function normalised(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  const norm = Math.sqrt(sum) || 1;
  const output = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) output[index] = vector[index]! / norm;
  return output;
}

/** Cosine similarity of two unit-length embeddings. */
export function similarity(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/**
 * The gate's default match threshold (cosine). Chosen with `haven eval faces`
 * so that no different-person pair of the shared photos reaches it; see the
 * README's "Face recognition" section for the figures.
 */
export const defaultMatchThreshold = 0.5;

/** Names the embedding space: galleries made by another model are not comparable. */
export const embedderName = `${mobileFaceNet.id}:${mobileFaceNet.sha256.slice(0, 12)}`;

/** Little-endian float32 bytes, as stored and as sent to edges (base64). */
export function embeddingBytes(embedding: Float32Array): Buffer {
  const bytes = Buffer.alloc(embedding.length * 4);
  embedding.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes;
}

export function embeddingFromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.length !== embeddingLength * 4) {
    throw new RangeError(`an embedding is ${embeddingLength * 4} bytes, not ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const embedding = new Float32Array(embeddingLength);
  for (let index = 0; index < embeddingLength; index++) {
    embedding[index] = view.getFloat32(index * 4, true);
  }
  return embedding;
}
