import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { silentLogger } from '../../common/log.ts';
import { deviceCost, hashPassword } from '../../common/passwords.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import {
  bandTopic,
  connectBand,
  edgeConfig,
  edgeToken,
  operator,
  site,
  sos,
  temporaryFolder,
  viewer,
  waitUntil,
} from '../support/spine.ts';
import {
  admin,
  apiToken,
  launchChromium,
  openLoggedIn,
  screenshotFolder,
  startDashboardHub,
} from '../support/dashboard.ts';
import { sharedPath } from '../support/shared-data.ts';

/** A floor plan as an administrator would upload it: a drawn site plan. */
async function floorPlanPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="700">
    <rect width="1200" height="700" fill="#dfe6ea"/>
    <rect x="120" y="120" width="260" height="180" fill="#b7c4cc"/>
    <rect x="520" y="120" width="260" height="180" fill="#b7c4cc"/>
    <rect x="120" y="420" width="260" height="180" fill="#b7c4cc"/>
    <rect x="0" y="330" width="1200" height="60" fill="#f4f4f0"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const gateSecret = 'secret-of-gate-east';
const gateSecretHash = hashPassword(gateSecret, deviceCost);
const facePhoto = sharedPath('data', 'faces', 'deepface', 'img4.jpg');

describe('the community views of the dashboard: map, roster, gate log, devices', () => {
  const folder = temporaryFolder('community');
  let hub: Hub;
  let url: string;
  let edge: EdgeAgent;
  let band: MqttClient;
  let browser: Browser;
  let adminToken: string;

  async function call(method: string, path: string, body?: unknown, token = adminToken) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(
      300,
    );
    return response;
  }

  beforeAll(async () => {
    ({ hub, url } = await startDashboardHub(`${folder.path}/hub`));
    adminToken = await apiToken(url, admin);
    await call('PUT', '/api/registry/grids/grid-1', { name: '第一网格', workers: [] });
    await call('PUT', '/api/registry/places/area', {
      kind: 'area',
      name: '新村',
      parentId: null,
      gridId: 'grid-1',
    });
    await call('PUT', '/api/registry/places/bldg-3', {
      kind: 'building',
      name: '3号楼',
      parentId: 'area',
      gridId: null,
    });
    await call('PUT', '/api/registry/places/room-501', {
      kind: 'room',
      name: '501',
      parentId: 'bldg-3',
      gridId: null,
    });
    await call('PUT', '/api/registry/households/hh-501', {
      placeId: 'room-501',
      name: '王家',
      phone: null,
    });
    await call('POST', '/api/registry/residents', {
      id: 'res-wang',
      householdId: 'hh-501',
      name: '王秀英',
      birthYear: 1941,
      livesAlone: true,
    });
    await call('PUT', '/api/registry/device-bindings/band/band-001', {
      residentId: 'res-wang',
      placeId: null,
    });
    await call('PUT', '/api/cameras/east-gate', {
      name: '东门',
      site,
      rtspUrl: 'rtsp://127.0.0.1:9/none',
      placeId: 'bldg-3',
    });

    // The edge serves the two bands and a face gate that recognises people itself.
    const config = edgeConfig(`${folder.path}/edge`, url, ['band-001', 'band-002']);
    config.devices.push({ id: 'gate-east', kind: 'gate', secretHash: gateSecretHash });
    edge = new EdgeAgent(config, silentLogger());
    await edge.start();
    band = await connectBand(edge.mqttPort, 'band-001');
    const other = await connectBand(edge.mqttPort, 'band-002');
    const now = Date.now();
    for (let minute = 20; minute >= 0; minute -= 2) {
      await band.publishAsync(
        bandTopic('band-001', 'telemetry'),
        JSON.stringify({
          time: new Date(now - minute * 60_000).toISOString(),
          heartRateBpm: 72 + (minute % 6),
          spo2Percent: 97,
          steps: 1200 - minute * 10,
          batteryPercent: 64,
          worn: true,
        }),
        { qos: 1 },
      );
    }
    await other.publishAsync(
      bandTopic('band-002', 'telemetry'),
      JSON.stringify({ time: new Date().toISOString(), heartRateBpm: 70, worn: true }),
      { qos: 1 },
    );
    await other.endAsync();
    await waitUntil(
      async () => (await hub.store.listDevices()).filter((d) => d.telemetry).length === 2,
      'both bands reported',
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await band?.endAsync();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('keeps the floor plan to administrators and refuses what is not an image', async () => {
    const viewerToken = await apiToken(url, viewer);
    const plan = await floorPlanPng();
    const refused = await fetch(`${url}/api/map/floor-plan`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'image/png' },
      body: new Uint8Array(plan),
    });
    expect(refused.status, 'a viewer may not upload').toBe(403);

    const notImage = await fetch(`${url}/api/map/floor-plan`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'image/png' },
      body: new TextEncoder().encode('this is not a png'),
    });
    expect(notImage.status, 'bytes that are not a PNG are refused').toBe(400);
    expect(((await notImage.json()) as { code: string }).code).toBe('HAVEN_MAP_BAD_IMAGE');

    const stored = await fetch(`${url}/api/map/floor-plan`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'image/png' },
      body: new Uint8Array(plan),
    });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({
      width: 1200,
      height: 700,
      uploadedBy: admin.username,
    });
    await call('PUT', '/api/map/items/building-3', {
      kind: 'building',
      refId: 'bldg-3',
      label: '3号楼',
      x: 0.21,
      y: 0.3,
    });
    await call('PUT', '/api/map/items/camera-east', {
      kind: 'camera',
      refId: 'east-gate',
      label: '东门摄像头',
      x: 0.55,
      y: 0.52,
    });
    const map = (await (await call('GET', '/api/map', undefined, viewerToken)).json()) as {
      items: { refId: string }[];
    };
    expect(map.items.map((item) => item.refId).sort(), 'a viewer reads the map').toEqual([
      'bldg-3',
      'east-gate',
    ]);
  });

  it('lets an administrator place a gate on the floor plan from the admin page', async () => {
    const page = await openLoggedIn(browser, url, admin);
    await page.click('nav.sidebar a[href="#/admin"]');
    await page.setInputFiles('input[name=floor-plan]', {
      name: 'plan.png',
      mimeType: 'image/png',
      buffer: await floorPlanPng(),
    });
    await page.waitForSelector('.admin-map .floor-plan img');
    await page.selectOption('.place-form select[name=kind]', 'gate');
    await page.fill('.place-form input[name=refId]', 'gate-east');
    await page.fill('.place-form input[name=label]', '东门门禁');
    const plan = page.locator('.admin-map .floor-plan');
    const box = (await plan.boundingBox())!;
    await plan.click({ position: { x: box.width * 0.5, y: box.height * 0.9 } });
    await page.waitForSelector('.admin-map .map-item[data-ref=gate-east]');
    const map = (await (await call('GET', '/api/map')).json()) as {
      items: { refId: string; kind: string; x: number; y: number }[];
    };
    const gate = map.items.find((item) => item.refId === 'gate-east');
    expect(gate, 'stored where it was clicked').toMatchObject({ kind: 'gate' });
    expect(gate!.x).toBeCloseTo(0.5, 1);
    expect(gate!.y).toBeCloseTo(0.9, 1);
    await page.close();
  });

  it('names the resident on the wall and lights up their building on the map during an SOS', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const card = page.locator('li.alert[data-type=sos]');
    await card.waitFor();
    const who = await card.locator('.who').textContent();
    expect(who, 'the resident by name').toContain('王秀英');
    expect(who, 'where they live').toContain('3号楼 / 501');
    expect(who, 'their grid').toContain('第一网格');

    await page.click('nav.sidebar a[href="#/map"]');
    await page.waitForSelector('.map-item[data-ref=bldg-3][data-severity=critical]');
    expect(
      await page.getAttribute('.map-item[data-ref=east-gate]', 'data-severity'),
      'the camera has no alert',
    ).toBe('calm');
    await page.screenshot({ path: join(screenshotFolder, 'map-sos.png') });
    await page.close();
  });

  it('shows an alert in full: the snapshot, who it concerns and their contacts', async () => {
    await call('PUT', '/api/registry/contacts/c-daughter', {
      residentId: 'res-wang',
      kind: 'family',
      name: '李梅',
      relation: '女儿',
      phone: '13800000000',
      channels: ['webhook'],
      notify: 'all',
    });
    const snapshot = await sharp(readFileSync(facePhoto)).resize(160).jpeg().toBuffer();
    // As an edge reports a watch-list sighting (edge/faces/gates.ts), over the edge API.
    const ingest = await fetch(`${url}/api/edge/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          {
            key: 'watch-list-sighting-0001',
            kind: 'alert',
            body: {
              type: 'watch_list',
              severity: 'warning',
              site,
              edgeId: 'home-1',
              subject: { kind: 'resident', id: 'res-wang' },
              dedupKey: `watch_list:${site}:res-wang`,
              raisedAt: new Date().toISOString(),
              evidence: {
                gateId: 'gate-east',
                name: '王秀英',
                score: 0.82,
                snapshot: snapshot.toString('base64'),
              },
            },
          },
        ],
      }),
    });
    expect(ingest.status, 'the edge API takes the alert').toBe(200);
    const alert = (await hub.store.listAlerts({ type: 'watch_list' }))[0]!;

    const page = await openLoggedIn(browser, url, operator);
    await page.goto(`${url}/#/alerts/${alert.id}`);
    await page.waitForSelector('section.alert-detail');
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('img.snapshot')?.naturalWidth ?? 0) > 0,
    );
    const who = await page.locator('.who-detail').textContent();
    expect(who, 'the resident').toContain('王秀英');
    expect(who, 'home').toContain('3号楼 / 501');
    expect(who, 'the daughter to call').toContain('李梅（女儿）13800000000');
    expect(
      await page.locator('.nearest-camera figure.player').getAttribute('data-camera'),
      'the camera of their building opens beside the alert',
    ).toBe('east-gate');
    await page.close();
  });

  it('lists wristband wearers by concern with their latest vitals and opens their charts', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await page.click('nav.sidebar a[href="#/roster"]');
    await page.waitForSelector('table.roster tbody tr[data-band]');
    const order = await page.$$eval('table.roster tbody tr[data-band]', (rows) =>
      rows.map((row) => row.getAttribute('data-band')),
    );
    expect(order, 'the wearer with an open SOS comes first').toEqual(['band-001', 'band-002']);
    const first = page.locator('tr[data-band=band-001]');
    expect(await first.textContent(), 'named, with heart rate and battery').toMatch(
      /王秀英.*72.*97%.*1200.*64%/,
    );

    const vitalsApi = await fetch(
      `${url}/api/bands/band-001/vitals?from=${new Date(Date.now() - 86_400_000).toISOString()}`,
      { headers: { authorization: `Bearer ${adminToken}` } },
    );
    await first.click();
    if (vitalsApi.ok) {
      await page.waitForSelector('.wearer-vitals .chart svg path.series');
    } else {
      await page.waitForSelector('.wearer-vitals .empty-note');
    }
    await page.screenshot({ path: join(screenshotFolder, 'roster.png') });
    await page.close();
  });

  it("shows a face gate's stranger with its snapshot in the gate log", async () => {
    const gate = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, {
      clientId: 'gate-east',
      username: 'gate-east',
      password: gateSecret,
      reconnectPeriod: 0,
    });
    const snapshot = await sharp(readFileSync(facePhoto)).resize(160).jpeg().toBuffer();
    await gate.publishAsync(
      `haven/${site}/gate/gate-east/access`,
      JSON.stringify({
        time: new Date().toISOString(),
        decision: 'stranger',
        snapshot: snapshot.toString('base64'),
      }),
      { qos: 1 },
    );
    await gate.endAsync();

    const page = await openLoggedIn(browser, url, operator);
    await page.click('nav.sidebar a[href="#/gates"]');
    const row = page.locator('.gates-view tr[data-decision=stranger]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent(), 'the gate and the decision in Chinese').toMatch(
      /gate-east.*陌生人/,
    );
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>('.gates-view td.thumb img')?.naturalWidth ?? 0) >
        0,
    );
    await page.screenshot({ path: join(screenshotFolder, 'gate-log.png') });
    await page.close();
  });

  it('shows the patrol rounds the schedules plan, with their checkpoints', async () => {
    await call('PUT', '/api/patrol/checkpoints/cp-east', {
      site,
      name: '3号楼东门',
      location: { xM: 10, yM: 20 },
      tagId: 'TAG-EAST-0001',
    });
    await call('PUT', '/api/patrol/checkpoints/cp-garage', {
      site,
      name: '地下车库入口',
      location: { xM: 60, yM: 5 },
      tagId: 'TAG-GARAGE-0002',
    });
    await call('PUT', '/api/patrol/routes/night', {
      site,
      name: '夜间巡更',
      ordered: true,
      stops: [
        { checkpointId: 'cp-east', walkSeconds: 0 },
        { checkpointId: 'cp-garage', walkSeconds: 300 },
      ],
    });
    await call('PUT', '/api/patrol/schedules/night-hourly', {
      routeId: 'night',
      name: '每小时一轮',
      firstRound: '00:00',
      until: '23:59',
      everyMinutes: 60,
      toleranceMinutes: 10,
    });

    const page = await openLoggedIn(browser, url, operator);
    await page.click('nav.sidebar a[href="#/patrol"]');
    const round = page.locator('.patrol-view li.round').first();
    await round.waitFor();
    expect(await round.textContent(), 'route and checkpoints by name').toMatch(
      /夜间巡更.*3号楼东门.*地下车库入口/,
    );
    expect(await round.getAttribute('data-state')).toBe('upcoming');
    await page.screenshot({ path: join(screenshotFolder, 'patrol.png') });
    await page.close();
  });

  it('shows device and camera health, and every asset comes from the hub itself', async () => {
    const page = await openLoggedIn(browser, url, operator);
    const foreign: string[] = [];
    page.on('request', (request) => {
      const target = new URL(request.url());
      if (!['data:', 'blob:'].includes(target.protocol) && target.origin !== new URL(url).origin) {
        foreign.push(request.url());
      }
    });
    await page.reload();
    await page.waitForSelector('#connection[data-state=online]');
    await page.click('nav.sidebar a[href="#/health"]');
    await page.waitForSelector('.health-view tr[data-camera=east-gate]');
    expect(await page.locator('.health-view').textContent()).toContain('band-002');
    const font = await page.evaluate(async () => {
      await document.fonts.load('16px "Haven CJK"', '警务室');
      let status: string | undefined;
      document.fonts.forEach((face) => {
        if (face.family.includes('Haven CJK')) status = face.status;
      });
      return status;
    });
    expect(font, 'the bundled CJK font loads').toBe('loaded');
    expect(foreign, 'no request leaves the hub').toEqual([]);
    await page.close();
  });

  it('lets an administrator register a resident and bind a band to them', async () => {
    const page = await openLoggedIn(browser, url, admin);
    await page.click('nav.sidebar a[href="#/admin"]');
    const form = page.locator('form.resident-form');
    await form.locator('input[name=name]').fill('张建国');
    await form.locator('input[name=birthYear]').fill('1938');
    await form.locator('select[name=householdId]').selectOption('hh-501');
    await form.locator('input[name=livesAlone]').check();
    await form.locator('button[type=submit]').click();
    const row = page.locator('table.residents tr', { hasText: '张建国' });
    await row.waitFor();

    const bind = page.locator('form.band-form');
    await bind.locator('input[name=bandId]').fill('band-002');
    await bind.locator('select[name=residentId]').selectOption({ label: '张建国' });
    await bind.locator('button[type=submit]').click();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('table.residents tr')).some(
        (tr) => tr.textContent?.includes('张建国') && tr.textContent.includes('band-002'),
      ),
    );
    const residents = (await (await call('GET', '/api/registry/residents')).json()) as {
      id: string;
      name: string;
      livesAlone: boolean;
      householdId: string;
    }[];
    const zhang = residents.find((resident) => resident.name === '张建国');
    expect(zhang, 'stored with household and living alone').toMatchObject({
      householdId: 'hh-501',
      livesAlone: true,
    });

    await page.click('nav.sidebar a[href="#/roster"]');
    await page.waitForSelector('tr[data-band=band-002]');
    expect(await page.locator('tr[data-band=band-002]').textContent()).toContain('张建国');
    await page.close();
  });
});
