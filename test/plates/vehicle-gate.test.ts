import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import type { RgbFrame } from '../../models/image.ts';
import { api, connectGate } from '../support/faces.ts';
import {
  bluePlate,
  bluePlatePicture,
  greenPlate,
  greenPlatePicture,
  plateFrame,
  startVehicleEdge,
} from '../support/plates.ts';
import { login, site, startHub, temporaryFolder, waitUntil } from '../support/spine.ts';

interface AccessEntry {
  key: string;
  kind: string;
  gateId: string;
  decision: string;
  plate: string | null;
  plateColour: string | null;
  householdId: string | null;
  visitorPassId: string | null;
  watchList: boolean;
  sightings: number;
  thumbnailUrl: string | null;
}

interface AlertEntry {
  type: string;
  severity: string;
  subject: { kind: string; id: string };
  evidence: Record<string, unknown> | null;
}

const passageEndMs = 800;

describe('a vehicle barrier reading real plates', () => {
  const folder = temporaryFolder('vehicles');
  let hub: Hub;
  let hubUrl: string;
  let token: string;
  let edge: EdgeAgent;
  let barrier: { client: MqttClient; commands: Record<string, unknown>[] };
  let blueFrame: RgbFrame;
  let greenFrame: RgbFrame;

  /** A car standing at the barrier: the same picture on several frames in a row. */
  async function carAtBarrier(frame: RgbFrame, frames: number): Promise<void> {
    for (let index = 0; index < frames; index++) {
      const read = await edge.vehicles!.gates.readFrame('barrier-1', {
        ...frame,
        capturedAt: Date.now(),
      });
      expect(read, 'the frame was read, not dropped').toBe(true);
    }
  }

  /** Waits for the car to leave (its passage to end) and the edge's items to reach the hub. */
  async function carLeaves(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, passageEndMs + 400));
    await waitUntil(() => edge.outbox!.size() === 0, 'the edge has sent everything to the hub');
  }

  async function vehicleLog(): Promise<AccessEntry[]> {
    return (await api(hubUrl, token, 'GET', '/api/access?kind=vehicle')).body as never;
  }

  async function alerts(type: string): Promise<AlertEntry[]> {
    return (await api(hubUrl, token, 'GET', `/api/alerts?type=${type}`)).body as never;
  }

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    token = await login(hubUrl);
    await hub.registry.upsertPlace({
      id: 'room-3-201',
      kind: 'room',
      name: '3栋201',
      parentId: null,
      gridId: null,
    });
    await hub.registry.upsertHousehold({
      id: 'hh-3-201',
      placeId: 'room-3-201',
      name: '张家',
      phone: null,
    });
    const registered = await api(hubUrl, token, 'PUT', `/api/vehicles/${site}/藏D·T5022`, {
      householdId: 'hh-3-201',
      label: '白色SUV',
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    expect(registered.body.plate, 'the dot a person types is not stored').toBe(bluePlate);

    edge = await startVehicleEdge(`${folder.path}/edge`, hubUrl, {
      minReads: 3,
      passageEndMs,
    });
    await edge.vehicles!.sync.syncNow();
    barrier = await connectGate(edge.mqttPort, 'barrier-1');
    blueFrame = await plateFrame(bluePlatePicture, 640);
    greenFrame = await plateFrame(greenPlatePicture, 1280);
  });

  afterAll(async () => {
    await barrier?.client.endAsync();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('a registered plate opens the barrier once, and the car is one access event', async () => {
    await carAtBarrier(blueFrame, 6);
    await waitUntil(() => barrier.commands.length > 0, 'the barrier got an open command');
    await carLeaves();

    expect(barrier.commands, 'one open command for one car').toHaveLength(1);
    expect(barrier.commands[0], 'the command names the plate and its household').toMatchObject({
      kind: 'open',
      reason: 'plate',
      plate: bluePlate,
      access: 'resident',
      householdId: 'hh-3-201',
    });
    const log = await vehicleLog();
    expect(log, 'one access event for the car').toHaveLength(1);
    expect(log[0], 'granted, with the plate read and all six frames').toMatchObject({
      kind: 'vehicle',
      gateId: 'barrier-1',
      decision: 'granted',
      plate: bluePlate,
      plateColour: 'blue',
      householdId: 'hh-3-201',
      sightings: 6,
    });
    const crop = await fetch(`${hubUrl}${log[0]!.thumbnailUrl}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(crop.headers.get('content-type'), 'the plate crop is a JPEG').toBe('image/jpeg');
  });

  it('an unknown plate does not open the barrier; it is logged and shown to the guard', async () => {
    await carAtBarrier(greenFrame, 4);
    await carLeaves();

    expect(barrier.commands, 'no open command for the unknown plate').toHaveLength(1);
    const stranger = (await vehicleLog()).filter((entry) => entry.plate === greenPlate);
    expect(stranger, 'one access event for the unknown car').toHaveLength(1);
    expect(stranger[0], 'a stranger with a green plate').toMatchObject({
      decision: 'stranger',
      plateColour: 'green',
      householdId: null,
    });
    const guard = await alerts('vehicle_not_admitted');
    expect(guard, 'one notice for the guard').toHaveLength(1);
    expect(guard[0]!.subject, 'about the barrier').toEqual({ kind: 'gate', id: 'barrier-1' });
    expect(guard[0]!.evidence?.plate, 'naming the plate').toBe(greenPlate);
    expect(String(guard[0]!.evidence?.snapshot), 'with the plate crop to look at').toMatch(
      /^data:image\/jpeg;base64,/,
    );
  });

  it('a visitor pass opens the barrier for that plate while it is valid', async () => {
    const issued = await api(hubUrl, token, 'POST', '/api/vehicles/passes', {
      site,
      plate: '苏E D51712',
      householdId: 'hh-3-201',
      visitorName: '刘女士',
      validUntil: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    await edge.vehicles!.sync.syncNow();

    await carAtBarrier(greenFrame, 3);
    await waitUntil(() => barrier.commands.length === 2, 'the barrier opened for the visitor');
    await carLeaves();
    expect(barrier.commands[1], 'opened on the visitor pass').toMatchObject({
      plate: greenPlate,
      access: 'visitor',
      passId: issued.body.id,
    });
    const trail = await hub.store.auditTrail(`visitor_pass:${String(issued.body.id)}`);
    expect(
      trail.map((entry) => entry.action),
      'the pass was audited',
    ).toEqual(['visitor_pass_issued']);
  });

  it('a watch-listed plate raises an alert and the barrier stays shut', async () => {
    const watched = await api(
      hubUrl,
      token,
      'PUT',
      `/api/vehicles/watch-list/${site}/${greenPlate}`,
      {
        reason: '肇事逃逸嫌疑车辆',
      },
    );
    expect(watched.status, JSON.stringify(watched.body)).toBe(200);
    await edge.vehicles!.sync.syncNow();

    await carAtBarrier(greenFrame, 3);
    await carLeaves();
    expect(barrier.commands, 'no open command for a watched plate').toHaveLength(2);
    const raised = await alerts('vehicle_watch_list');
    expect(raised, 'one watch-list alert').toHaveLength(1);
    expect(raised[0], 'critical, naming the plate and why').toMatchObject({
      severity: 'critical',
      evidence: { plate: greenPlate, reason: '肇事逃逸嫌疑车辆' },
    });
    const latest = (await vehicleLog()).find((entry) => entry.plate === greenPlate);
    expect(latest, 'the access event is marked watch-listed').toMatchObject({
      decision: 'denied',
      watchList: true,
    });
  });

  it('passes and plates are validated, with stable error codes', async () => {
    const tooLong = await api(hubUrl, token, 'POST', '/api/vehicles/passes', {
      site,
      plate: '京A12345',
      householdId: 'hh-3-201',
      visitorName: '访客',
      validUntil: new Date(Date.now() + 8 * 24 * 3_600_000).toISOString(),
    });
    expect(tooLong.status, 'a pass longer than a week is refused').toBe(400);
    expect(tooLong.body.code).toBe('HAVEN_VISITOR_PASS_INVALID');

    const notAPlate = await api(hubUrl, token, 'PUT', `/api/vehicles/${site}/京AI2345`, {
      householdId: 'hh-3-201',
    });
    expect(notAPlate.status, 'a plate with the letter I is refused').toBe(400);
    expect(notAPlate.body.code).toBe('HAVEN_PLATE_INVALID');

    const noHousehold = await api(hubUrl, token, 'PUT', `/api/vehicles/${site}/京A12345`, {
      householdId: 'hh-nobody',
    });
    expect(noHousehold.status, 'an unknown household is refused').toBe(409);
    expect(noHousehold.body.code).toBe('HAVEN_VEHICLE_HOUSEHOLD_MISSING');

    const viewer = await login(hubUrl, { username: 'watcher', password: 'watcher-password-1' });
    const refused = await api(hubUrl, viewer, 'PUT', `/api/vehicles/${site}/京A12345`, {
      householdId: 'hh-3-201',
    });
    expect(refused.status, 'a viewer may not register vehicles').toBe(403);
  });
});
