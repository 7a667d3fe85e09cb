import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { api } from '../support/faces.ts';
import { corridorClip } from '../support/cameras.ts';
import { login, startEdge, startHub, temporaryFolder, waitUntil } from '../support/spine.ts';

interface AlertEntry {
  type: string;
  subject: { kind: string; id: string };
  occurrences: number;
  evidence: Record<string, unknown> | null;
}

describe('an intrusion zone fed by its camera', () => {
  const folder = temporaryFolder('intrusion-camera');
  let hub: Hub;
  let hubUrl: string;
  let token: string;
  let edge: EdgeAgent;

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    token = await login(hubUrl);
    edge = await startEdge(`${folder.path}/edge`, hubUrl, [], {
      cameras: [
        { id: 'cam-corridor', source: corridorClip, framesPerSecond: 4, width: 640, height: 360 },
      ],
      intrusion: {
        cameras: [
          {
            cameraId: 'cam-corridor',
            zones: [
              {
                id: 'corridor-floor',
                name: '走廊地面',
                polygon: [
                  [0, 0.55],
                  [1, 0.55],
                  [1, 1],
                  [0, 1],
                ],
                dwellFrames: 2,
              },
            ],
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('people walking in the zone reach the alert wall once, linked to the camera', async () => {
    const intrusions = async () =>
      (await api(hubUrl, token, 'GET', '/api/alerts?type=intrusion')).body as never as AlertEntry[];
    await waitUntil(async () => (await intrusions()).length > 0, 'the hub has the alert', 20_000);
    // The clip loops: the same people keep walking in the zone.
    const framesBefore = edge.intrusion!.counts.analysed;
    await waitUntil(
      () => edge.intrusion!.counts.analysed >= framesBefore + 6,
      'six more frames were analysed',
      20_000,
    );
    await waitUntil(() => edge.outbox!.size() === 0, 'the edge has sent everything');

    const alerts = await intrusions();
    expect(alerts, 'one alert').toHaveLength(1);
    expect(alerts[0]!.occurrences, 'raised once, not again for every frame').toBe(1);
    expect(alerts[0]!.subject, 'the camera, whose live view the dashboard opens').toEqual({
      kind: 'camera',
      id: 'cam-corridor',
    });
    expect(String(alerts[0]!.evidence?.snapshot)).toMatch(/^data:image\/jpeg;base64,/);
  });
});
