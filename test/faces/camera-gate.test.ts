import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { login, startHub, temporaryFolder, waitUntil } from '../support/spine.ts';
import {
  connectGate,
  deepfaceFolder,
  enrolResident,
  faceEdgeConfig,
  startFaceEdge,
} from '../support/faces.ts';

/** A short clip of one still photo, as a camera replaying a local file sees it. */
function clipOf(photoFile: string, into: string): string {
  const clip = join(into, `${photoFile}.mp4`);
  execFileSync('/usr/bin/ffmpeg', [
    '-v', 'error', '-loop', '1', '-i', join(deepfaceFolder, photoFile), '-t', '2', '-r', '5',
    '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-pix_fmt', 'yuv420p', '-y', clip,
  ]); // prettier-ignore
  return clip;
}

describe('a face gate fed by its camera', () => {
  const folder = temporaryFolder('camera-gate');
  let hub: Hub;
  let hubUrl: string;
  let edge: EdgeAgent | undefined;

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    const token = await login(hubUrl);
    await enrolResident(hubUrl, token, 'r-wang', { name: '王秀英' }, ['img1.jpg', 'img2.jpg']);
  });

  afterAll(async () => {
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('opens for a resident the camera sees (ffmpeg frames → recognition → command)', async () => {
    const camera = {
      id: 'cam-north',
      source: clipOf('img5.jpg', folder.path),
      framesPerSecond: 5,
      width: 640,
      height: 360,
    };
    edge = await startFaceEdge(
      `${folder.path}/edge`,
      hubUrl,
      { gates: [{ gateId: 'gate-1', cameraId: 'cam-north' }] },
      { config: { cameras: [camera] } },
    );
    await edge.faces!.sync.syncNow();
    const gate = await connectGate(edge.mqttPort);
    await waitUntil(() => gate.commands.length > 0, 'the camera frames opened the gate', 20_000);
    expect(gate.commands[0]).toMatchObject({ kind: 'open', residentId: 'r-wang' });
    await gate.client.endAsync();
  });

  it('a gate reading a camera that is not configured is refused at start', async () => {
    const config = faceEdgeConfig(`${folder.path}/edge-2`, hubUrl, {
      gates: [{ gateId: 'gate-1', cameraId: 'cam-nowhere' }],
    });
    const agent = new EdgeAgent(config, silentLogger());
    await expect(agent.start()).rejects.toThrow(
      'gate gate-1 reads camera cam-nowhere, which is not in the cameras section',
    );
    await agent.stop();
  });
});
