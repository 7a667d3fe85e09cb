import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RgbImage } from '../../models/image.ts';
import { corridorClip, videoClips } from '../support/cameras.ts';
import { clipFrames, startIntrusionWatch, type WatchUnderTest } from '../support/intrusion.ts';
import { temporaryFolder } from '../support/spine.ts';

/** The lower part of the corridor picture, where the two walkers' feet are. */
const corridorFloor = {
  id: 'corridor-floor',
  name: '走廊地面',
  polygon: [
    [0, 0.55],
    [1, 0.55],
    [1, 1],
    [0, 1],
  ],
  schedule: { from: '22:00', to: '06:00', timeZone: 'Asia/Shanghai' },
  dwellFrames: 3,
};

const lateAtNight = new Date('2026-12-04T23:30:00+08:00');
const afternoon = new Date('2026-12-04T14:00:00+08:00');

describe('people in zones, on real clips with a real person detector', () => {
  const folder = temporaryFolder('intrusion');
  let corridor: RgbImage[];
  let running: WatchUnderTest | undefined;

  beforeAll(() => {
    corridor = clipFrames(corridorClip, 640, 360, 6);
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    vi.useRealTimers();
  });

  /** Shows the clip to the camera's watch, 1/6 s of (fake) time between frames. */
  async function play(frames: RgbImage[], cameraId: string, startAt: Date) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(startAt);
    const outcomes: string[] = [];
    for (const frame of frames) {
      outcomes.push(
        await running!.watch.watchFrame(cameraId, { ...frame, capturedAt: Date.now() }),
      );
      vi.setSystemTime(Date.now() + 167);
    }
    await running!.watch.settled();
    return outcomes;
  }

  it('people standing in an armed zone at night raise one alert, with the box drawn', async () => {
    running = await startIntrusionWatch(`${folder.path}/night`, [
      { cameraId: 'cam-corridor', zones: [corridorFloor] },
    ]);
    const outcomes = await play(corridor, 'cam-corridor', lateAtNight);

    expect(
      outcomes.filter((outcome) => outcome === 'dropped'),
      'no frame dropped',
    ).toEqual([]);
    const alerts = running.alerts();
    expect(alerts, 'one alert for the whole clip, however many frames show them').toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.subject, 'the camera is the subject, so its live view opens').toEqual({
      kind: 'camera',
      id: 'cam-corridor',
    });
    expect(alert.evidence, 'naming the zone and what stood in it').toMatchObject({
      cameraId: 'cam-corridor',
      zoneId: 'corridor-floor',
      objectClass: 'person',
      frames: 3,
      liveView: '/api/video/cam-corridor',
    });

    const snapshot = String(alert.evidence!.snapshot);
    expect(snapshot, 'a JPEG snapshot').toMatch(/^data:image\/jpeg;base64,/);
    const jpeg = Buffer.from(snapshot.slice(snapshot.indexOf(',') + 1), 'base64');
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height], 'at the frame’s own resolution').toEqual([640, 360]);
    const box = alert.evidence!.box as { x: number; y: number; width: number };
    let red = 0;
    let samples = 0;
    for (let x = box.x + 4; x < box.x + box.width - 4; x += 2) {
      const offset = (box.y * info.width + x) * info.channels;
      samples++;
      if (data[offset]! > 150 && data[offset + 1]! < 110 && data[offset + 2]! < 110) red++;
    }
    expect(red / samples, 'the box’s top edge is drawn in red on the snapshot').toBeGreaterThan(
      0.6,
    );
  });

  it('the same clip in the afternoon raises nothing: the zone is disarmed by its schedule', async () => {
    running = await startIntrusionWatch(`${folder.path}/day`, [
      { cameraId: 'cam-corridor', zones: [corridorFloor] },
    ]);
    const outcomes = await play(corridor, 'cam-corridor', afternoon);

    expect(new Set(outcomes), 'no frame was even analysed').toEqual(new Set(['disarmed']));
    expect(running.alerts(), 'no alert by day').toEqual([]);
  });

  it('a clip with nobody in the zone raises no alert', async () => {
    // Overhead view of an empty room; one person at the left edge by the door early on.
    const room = clipFrames(`${videoClips}/people-detection.gif`, 640, 360);
    running = await startIntrusionWatch(
      `${folder.path}/empty`,
      [
        {
          cameraId: 'cam-room',
          zones: [
            {
              id: 'far-floor',
              name: '大厅右侧',
              polygon: [
                [0.35, 0.35],
                [0.95, 0.35],
                [0.95, 0.95],
                [0.35, 0.95],
              ],
              dwellFrames: 2,
            },
          ],
        },
      ],
      { motionGate: false },
    );
    const outcomes = await play(room, 'cam-room', lateAtNight);

    expect(
      outcomes.filter((outcome) => outcome === 'analysed'),
      'every frame analysed',
    ).toHaveLength(room.length);
    expect(running.alerts(), 'no false alert').toEqual([]);
  });

  it('motion gating skips still frames until something moves in an armed zone', async () => {
    const room = clipFrames(`${videoClips}/people-detection.gif`, 640, 360);
    running = await startIntrusionWatch(`${folder.path}/still`, [
      {
        cameraId: 'cam-room',
        zones: [{ id: 'whole-room', name: '大厅', polygon: corridorFloor.polygon }],
      },
    ]);
    // The room's last picture (nobody left in it) four times, then its first (someone at the door).
    const still = Array.from({ length: 4 }, () => room.at(-1)!);
    const outcomes = await play([...still, room[0]!], 'cam-room', afternoon);

    expect(outcomes, 'the same picture again is not analysed; one where someone moved is').toEqual([
      'analysed',
      'still',
      'still',
      'still',
      'analysed',
    ]);
  });
});
