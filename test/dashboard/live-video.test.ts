import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';
import type { Hub } from '../../hub/server.ts';
import { operator, site, temporaryFolder, waitUntil } from '../support/spine.ts';
import {
  admin,
  apiToken,
  launchChromium,
  openLoggedIn,
  screenshotFolder,
  startDashboardHub,
} from '../support/dashboard.ts';
import { sharedPath } from '../support/shared-data.ts';

const clip = sharedPath('data', 'video', 'one-by-one-person-detection.mp4');
const cameraId = 'east-gate';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A checksum of the picture the page shows now, to see that frames change. */
async function pictureChecksum(page: Page): Promise<number> {
  return page.evaluate(() => {
    const source = document.querySelector<HTMLVideoElement | HTMLCanvasElement>(
      'figure.player video, figure.player canvas',
    )!;
    const canvas = document.createElement('canvas');
    canvas.width = 96;
    canvas.height = 54;
    const context = canvas.getContext('2d')!;
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let index = 0; index < pixels.length; index += 1) sum = (sum * 31 + pixels[index]!) | 0;
    return sum;
  });
}

describe('live camera video through the hub', () => {
  const folder = temporaryFolder('video');
  const camera = new RtspCameraServer({ clip, keyframeIntervalFrames: 10 });
  let hub: Hub;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const rtspUrl = await camera.start();
    ({ hub, url } = await startDashboardHub(`${folder.path}/hub`));
    const token = await apiToken(url, admin);
    const response = await fetch(`${url}/api/cameras/${cameraId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '东门', site, rtspUrl }),
    });
    expect(response.status, 'the administrator registers the camera').toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await camera.stop();
    folder.remove();
  });

  it('refuses video to anyone not logged in, and starts no stream for them', async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/video/${cameraId}`);
    // The refused upgrade ends the socket before it opened; that is expected here.
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    socket.terminate();
    expect(status, 'the upgrade is refused').toBe(401);
    expect(hub.video.streams(), 'no ffmpeg was started').toEqual([]);
  });

  it('plays moving H.264 frames through MSE while watched, and stops ffmpeg when the page closes', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await page.goto(`${url}/#/video/${cameraId}`);
    await page.waitForSelector('figure.player[data-format=mp4][data-state=playing]', {
      timeout: 20_000,
    });
    const [stream] = hub.video.streams();
    expect(stream, 'one mp4 stream with one viewer').toMatchObject({
      cameraId,
      format: 'mp4',
      viewers: 1,
    });
    const pid = stream!.pid!;
    expect(processAlive(pid), 'ffmpeg runs while watched').toBe(true);
    const audit = await hub.store.auditTrail(`camera:${cameraId}`);
    expect(
      audit.some((entry) => entry.action === 'video_viewed' && entry.actor === operator.username),
      'who watched is audited',
    ).toBe(true);

    const framesAtStart = await page.evaluate(
      () => document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames,
    );
    await page.waitForFunction(
      (start) =>
        document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames > start + 10,
      framesAtStart,
      { timeout: 20_000 },
    );
    const first = await pictureChecksum(page);
    await waitUntil(async () => (await pictureChecksum(page)) !== first, 'the picture changes');
    await page.screenshot({ path: join(screenshotFolder, 'live-video.png') });

    await page.close();
    await waitUntil(() => !processAlive(pid), 'ffmpeg stopped after the last viewer left');
    expect(hub.video.streams()[0], 'the relay has no viewer and no process').toMatchObject({
      viewers: 0,
      pid: undefined,
    });
  });

  it('recovers the picture after the camera dies and comes back while someone watches', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await page.goto(`${url}/#/video/${cameraId}`);
    const player = 'figure.player[data-format=mp4]';
    await page.waitForSelector(`${player}[data-state=playing]`, { timeout: 20_000 });

    await camera.killServer();
    await page.waitForSelector(`${player}:not([data-state=playing])`, { timeout: 20_000 });
    await camera.startServer();
    await page.waitForSelector(`${player}[data-state=playing]`, { timeout: 30_000 });
    const frames = await page.evaluate(
      () => document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames,
    );
    await page.waitForFunction(
      (start) =>
        document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames > start + 5,
      frames,
      { timeout: 20_000 },
    );
    await page.close();
  });

  it('falls back to MPEG-1 through JSMpeg, and that stream also stops with its viewer', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await page.goto(`${url}/#/video/${cameraId}?mpeg1`);
    await page.waitForSelector('figure.player[data-format=mpeg1][data-state=playing]', {
      timeout: 20_000,
    });
    const stream = hub.video.streams().find((candidate) => candidate.format === 'mpeg1');
    expect(stream, 'an mpeg1 stream with one viewer').toMatchObject({ viewers: 1 });
    const first = await pictureChecksum(page);
    await waitUntil(async () => (await pictureChecksum(page)) !== first, 'the canvas changes');

    await page.close();
    await waitUntil(() => !processAlive(stream!.pid!), 'the MPEG-1 ffmpeg stopped');
  });
});
