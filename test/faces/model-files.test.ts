import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { Hub } from '../../hub/server.ts';
import { faceDetectors } from '../../models/faces/analyzer.ts';
import { mobileFaceNet } from '../../models/faces/mobilefacenet.ts';
import { locateModel, ModelFileError } from '../../models/locate.ts';
import { hubConfig, temporaryFolder } from '../support/spine.ts';
import { faceEdgeConfig } from '../support/faces.ts';

describe('face model weights', () => {
  const folder = temporaryFolder('models');

  afterAll(() => folder.remove());

  it('are found in ../shared/models and pass their checksum', () => {
    const path = locateModel(mobileFaceNet);
    expect(path.endsWith(join('shared', 'models', mobileFaceNet.file))).toBe(true);
  });

  it('a missing file is an error that names it and where it was looked for', () => {
    const empty = join(folder.path, 'empty');
    expect(() => locateModel(faceDetectors.yunet_s, empty, [empty])).toThrow(
      expect.objectContaining({
        code: 'HAVEN_MODEL_FILE',
        file: 'face_det_yunet_s_dynamic.onnx',
        message: expect.stringContaining(`face_det_yunet_s_dynamic.onnx (yunet_s) was not found`),
      }),
    );
  });

  it('a corrupt file in the models folder stops the edge at start, naming it', async () => {
    // The folder holds only the broken embedder; the detector still comes from ../shared/models.
    const weights = join(folder.path, 'edge-weights');
    mkdirSync(weights, { recursive: true });
    writeFileSync(join(weights, mobileFaceNet.file), 'not an onnx model');
    const config = faceEdgeConfig(join(folder.path, 'edge'), 'http://127.0.0.1:9', {
      modelsFolder: weights,
    });
    const agent = new EdgeAgent(config, silentLogger());
    const started = agent.start();
    await expect(started).rejects.toBeInstanceOf(ModelFileError);
    await expect(started).rejects.toThrow(
      `model file ${join(weights, mobileFaceNet.file)} is corrupt or a different version`,
    );
    await agent.stop();
  });

  it('a corrupt file stops the hub at start too', async () => {
    const weights = join(folder.path, 'hub-weights');
    mkdirSync(weights, { recursive: true });
    const detector = join(weights, faceDetectors.yunet_s.file);
    writeFileSync(detector, Buffer.alloc(faceDetectors.yunet_s.bytes, 7));
    const config = { ...hubConfig(join(folder.path, 'hub')) };
    config.faces = { ...config.faces, modelsFolder: weights };
    const hub = new Hub(config, silentLogger());
    await expect(hub.start()).rejects.toThrow(`model file ${detector} is corrupt`);
    await hub.stop();
  });
});
