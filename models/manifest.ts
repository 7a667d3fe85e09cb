// What Haven knows about each model file: where it came from, its checksum,
// and the exact input and output contract its pre- and post-processing follow.
// The weights themselves are data, never committed (see locate.ts).

export interface TensorInput {
  name: string;
  /** Dimensions in order; a string names a dimension the model leaves free. */
  shape: (number | string)[];
  layout: 'NCHW';
  channels: 'RGB' | 'BGR';
  /** How 0..255 pixel values become the tensor's floats: (x / scale - mean) / std. */
  normalisation: { scale: number; mean: [number, number, number]; std: [number, number, number] };
  /** How the image is brought to the input size. */
  resize: string;
}

export interface TensorOutput {
  name: string;
  shape: (number | string)[];
  meaning: string;
}

export interface ModelManifest {
  /** Haven's name for the model, used in config. */
  id: string;
  /** File name looked for in the models folders. */
  file: string;
  bytes: number;
  sha256: string;
  upstream: {
    repository: string;
    path: string;
    commit: string;
    /** Where the exact file can be downloaded. */
    url: string;
    licence: string;
  };
  /** Weights that an npm dependency ships: its folder is searched after the others. */
  npmPackage?: { name: string; folder: string };
  input: TensorInput;
  outputs: TensorOutput[];
}
