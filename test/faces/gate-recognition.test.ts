import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { RgbFrame } from '../../models/image.ts';
import type { Hub } from '../../hub/server.ts';
import { login, site, startHub, temporaryFolder, waitUntil } from '../support/spine.ts';
import {
  api,
  connectGate,
  enrolResident,
  frameOf,
  gateTopic,
  startFaceEdge,
} from '../support/faces.ts';

// Identities from the shared deepface photos (identities.csv): enrolment uses
// some photos of a person, the gate sees other photos of the same person.
const wang = { id: 'r-wang', enrol: ['img1.jpg', 'img2.jpg', 'img4.jpg'], seen: ['img5.jpg'] };
const li = { id: 'r-li', enrol: ['img26.jpg', 'img28.jpg'], seen: ['img42.jpg', 'img44.jpg'] };
const zhao = { id: 'r-zhao', enrol: ['img13.jpg', 'img14.jpg'], seen: ['img57.jpg'] };
/** People who are not enrolled at all. */
const strangers = ['img29.jpg', 'img34.jpg', 'img38.jpg', 'img3.jpg', 'img20.jpg', 'img24.jpg'];

interface AccessEntry {
  key: string;
  gateId: string;
  decision: string;
  source: string;
  residentId: string | null;
  sightings: number;
  watchList: boolean;
  thumbnailUrl: string | null;
}

describe('face gates with residents enrolled from real photos', () => {
  const folder = temporaryFolder('faces');
  let hub: Hub;
  let hubUrl: string;
  let token: string;
  let edge: EdgeAgent;
  let gate: { client: MqttClient; commands: Record<string, unknown>[] };

  /** Decoded frames by photo, made before the gate sees them so frames come in quick succession. */
  const frames = new Map<string, RgbFrame>();

  async function see(file: string): Promise<void> {
    const frame = frames.get(file) ?? (await frameOf(file));
    frames.set(file, frame);
    const decided = await edge.faces!.gates.analyseFrame('gate-1', {
      ...frame,
      capturedAt: Date.now(),
    });
    expect(decided, `the frame of ${file} was analysed, not dropped`).toBe(true);
  }

  async function accessLog(query = ''): Promise<AccessEntry[]> {
    return (await api(hubUrl, token, 'GET', `/api/access?limit=200${query}`)).body as never;
  }

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    token = await login(hubUrl);
    await enrolResident(hubUrl, token, wang.id, { name: '王秀英' }, wang.enrol);
    await enrolResident(hubUrl, token, li.id, { name: '李建国' }, li.enrol);
    await enrolResident(
      hubUrl,
      token,
      zhao.id,
      { name: '赵某', active: false, watchList: true },
      zhao.enrol,
    );
    edge = await startFaceEdge(`${folder.path}/edge`, hubUrl, { eventWindowMs: 1500 });
    await edge.faces!.sync.syncNow();
    gate = await connectGate(edge.mqttPort);
    for (const file of [...strangers, ...wang.seen, ...li.seen, ...zhao.seen]) {
      frames.set(file, await frameOf(file));
    }
  });

  afterAll(async () => {
    await gate?.client.endAsync();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('the edge holds the site gallery from the hub', () => {
    expect(edge.faces!.gallery.size, 'three residents, seven enrolled faces').toEqual({
      residents: 3,
      embeddings: 7,
    });
  });

  it('other photos of enrolled residents open the gate; photos of others do not', async () => {
    for (const file of strangers) await see(file);
    await see(wang.seen[0]!);
    for (const file of li.seen) await see(file);
    await see(zhao.seen[0]!);

    // Access events leave the edge when a sighting ends, after its decision:
    // once all are at the hub, every command the frames caused has been sent.
    await waitUntil(
      async () => (await accessLog()).length >= 3 + strangers.length,
      'the access events reached the hub',
    );
    await waitUntil(() => gate.commands.length >= 2, 'the gate received the open commands');
    const opened = gate.commands.map((command) => command.residentId);
    expect(opened, 'only the two active residents were let in, once each').toEqual([
      wang.id,
      li.id,
    ]);
    expect(gate.commands[0], 'the command says why').toMatchObject({
      kind: 'open',
      reason: 'face',
    });
  });

  it('frames of one person within seconds are one event; strangers are logged too', async () => {
    const events = await accessLog();
    const granted = events.filter((event) => event.decision === 'granted');
    const li1 = granted.filter((event) => event.residentId === li.id);
    expect(li1, 'two photos of 李建国 in a row are one access event').toHaveLength(1);
    expect(li1[0]!.sightings, 'it counts both frames').toBe(2);
    expect(li1[0]!.source).toBe('edge');

    const strangerEvents = events.filter((event) => event.decision === 'stranger');
    expect(strangerEvents.length, 'each stranger is a stranger event').toBeGreaterThanOrEqual(
      strangers.length,
    );
    expect(strangerEvents.every((event) => event.residentId === null)).toBe(true);

    const thumbnail = await fetch(`${hubUrl}${granted[0]!.thumbnailUrl}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await thumbnail.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('hex'), 'the thumbnail is a JPEG').toBe('ffd8');
    expect(bytes.length, 'and a small one').toBeLessThan(20_000);
  });

  it('a watch-list match raises an alert and does not open the gate', async () => {
    await waitUntil(
      async () => (await hub.store.listAlerts({ type: 'watch_list' })).length > 0,
      'the watch-list alert reached the hub',
    );
    const [alert] = await hub.store.listAlerts({ type: 'watch_list' });
    expect(alert!.subject).toEqual({ kind: 'resident', id: zhao.id });
    expect(alert!.evidence, 'the alert names the gate and shows the face').toMatchObject({
      gateId: 'gate-1',
    });
    expect(typeof alert!.evidence!.snapshot).toBe('string');
    expect(gate.commands.some((c) => c.residentId === zhao.id)).toBe(false);
    const events = await accessLog(`&residentId=${zhao.id}`);
    expect(events[0], 'logged as denied, on the watch list').toMatchObject({
      decision: 'denied',
      watchList: true,
    });
  });

  it('access reports of gates that recognise by themselves join the same log', async () => {
    await gate.client.publishAsync(
      gateTopic('gate-1', 'access'),
      JSON.stringify({ time: new Date().toISOString(), decision: 'granted', residentId: li.id }),
      { qos: 1 },
    );
    await gate.client.publishAsync(
      gateTopic('gate-1', 'access'),
      JSON.stringify({ time: 'yesterday', decision: 'maybe' }),
      { qos: 1 },
    );
    await waitUntil(
      async () => (await accessLog('&residentId=r-li')).some((e) => e.source === 'gate'),
      'the gate report reached the access log',
    );
    const fromGate = (await accessLog('&residentId=r-li')).find((e) => e.source === 'gate');
    expect(fromGate).toMatchObject({ decision: 'granted', gateId: 'gate-1', sightings: 1 });
    const rejected = edge.counters.snapshot().rejected;
    expect(
      Object.keys(rejected).some((reason) => reason.startsWith('access report invalid')),
      `the bad report was counted as rejected: ${JSON.stringify(rejected)}`,
    ).toBe(true);
  });

  it('withdrawn consent and removal take residents out of the edge gallery', async () => {
    const withdrawn = await api(hubUrl, token, 'PUT', `/api/faces/residents/${li.id}`, {
      site,
      name: '李建国',
      consent: false,
    });
    expect(withdrawn.body.faces, 'withdrawing consent deletes the faces').toBe(0);
    const removed = await api(hubUrl, token, 'DELETE', `/api/faces/residents/${zhao.id}`);
    expect(removed.status).toBe(200);

    await edge.faces!.sync.syncNow();
    expect(edge.faces!.gallery.person(li.id), 'no faces, no gallery entry').toBeUndefined();
    expect(edge.faces!.gallery.person(zhao.id)).toBeUndefined();
    expect(edge.faces!.gallery.size.residents).toBe(1);

    const before = gate.commands.length;
    await see(li.seen[0]!);
    await see('img7.jpg');
    await waitUntil(() => gate.commands.length > before, 'the barrier frame opened the gate');
    expect(gate.commands.slice(before).map((c) => c.residentId)).toEqual([wang.id]);
  });

  it('the gate keeps deciding from its local gallery while the hub is down', async () => {
    await hub.stop();
    await edge.stop();
    edge = await startFaceEdge(`${folder.path}/edge`, hubUrl, { eventWindowMs: 1500 });
    await gate.client.endAsync();
    gate = await connectGate(edge.mqttPort);

    await see('img10.jpg');
    await waitUntil(() => gate.commands.length > 0, 'the gate opened without the hub');
    expect(gate.commands[0]).toMatchObject({ kind: 'open', residentId: wang.id });
  });
});
