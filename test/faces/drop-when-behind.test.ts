import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../../common/log.ts';
import type { EdgeAgent } from '../../edge/agent.ts';
import { defaultFaceModelSettings } from '../../models/faces/analyzer.ts';
import { FaceWorkerPool } from '../../models/faces/pool.ts';
import type { RgbFrame } from '../../models/image.ts';
import { decodePhoto } from '../../models/photo.ts';
import { bandTopic, connectBand, temporaryFolder } from '../support/spine.ts';
import { frameOf, photo, startFaceEdge } from '../support/faces.ts';

const embed = { maxFaces: 1, minFaceSizePx: 0 };

describe('when inference falls behind the cameras', () => {
  const folder = temporaryFolder('drop');
  let pool: FaceWorkerPool;
  let frame: RgbFrame;

  beforeAll(async () => {
    pool = new FaceWorkerPool(
      { ...defaultFaceModelSettings, workers: 1, maxWaiting: 2 },
      silentLogger(),
    );
    await pool.start();
    frame = await frameOf('img1.jpg');
  });

  afterAll(async () => {
    await pool?.stop();
    folder.remove();
  });

  it('frames are dropped, not queued without bound', async () => {
    const offered: Promise<unknown>[] = [];
    let mostWaiting = 0;
    for (let index = 0; index < 40; index++) {
      offered.push(pool.offerFrame(index % 2 ? 'gate-a' : 'gate-b', frame, embed));
      mostWaiting = Math.max(mostWaiting, pool.waiting);
    }
    const results = await Promise.all(offered);
    const analysed = results.filter((result) => result !== undefined).length;

    expect(mostWaiting, 'never more frames waiting than maxWaiting').toBeLessThanOrEqual(2);
    expect(analysed, 'the one in progress and the newest waiting frame of each gate').toBe(3);
    expect(pool.framesDropped, 'the rest were dropped and counted').toBe(37);
    expect(results.at(-1), 'the newest frame is the one kept').toBeDefined();
  });

  it('a photo waiting for analysis is not dropped for camera frames', async () => {
    const image = await decodePhoto(photo('img2.jpg'), 640);
    const enrolment = pool.analyse(image, embed);
    const frames = Array.from({ length: 10 }, () => pool.offerFrame('gate-a', frame, embed));
    const analysis = await enrolment;
    expect(analysis.faces[0]?.embedding, 'the photo was analysed').toBeDefined();
    await Promise.all(frames);
  });
});

describe('MQTT while the face workers are busy', () => {
  const folder = temporaryFolder('busy');
  let edge: EdgeAgent;
  let band: MqttClient;

  beforeAll(async () => {
    edge = await startFaceEdge(
      `${folder.path}/edge`,
      'http://127.0.0.1:9',
      { maxWaitingFrames: 8, threadsPerWorker: 1 },
      { bands: ['band-001'] },
    );
    band = await connectBand(edge.mqttPort, 'band-001');
  });

  afterAll(async () => {
    await band?.endAsync();
    await edge?.stop();
    folder.remove();
  });

  it('a band’s messages are answered while frames are still being analysed', async () => {
    const pool = edge.faces!.pool;
    const large = await decodePhoto(photo('img58.jpg'), 1280);
    const work = Array.from({ length: 8 }, () => pool.analyse(large, embed));

    for (let index = 0; index < 5; index++) {
      const telemetry = { time: new Date().toISOString(), heartRateBpm: 70 + index };
      await band.publishAsync(bandTopic('band-001', 'telemetry'), JSON.stringify(telemetry), {
        qos: 1,
      });
    }
    const busy = pool.inProgress + pool.waiting;
    expect(
      busy,
      'the acknowledgements came back before the queued analyses finished',
    ).toBeGreaterThan(0);
    expect(edge.counters.accepted, 'every message was accepted').toBe(5);
    await Promise.all(work);
  });
});
