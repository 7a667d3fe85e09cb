import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { FaceGallery } from '../../edge/faces/gallery.ts';
import { GallerySync } from '../../edge/faces/sync.ts';
import { openEdgeDatabase, type EdgeDatabase } from '../../edge/store/database.ts';
import { FaceGalleryStore } from '../../hub/faces/store.ts';
import type { Hub } from '../../hub/server.ts';
import type { SqliteHubStore } from '../../hub/store/sqlite.ts';
import {
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  type Client,
} from '../support/community.ts';
import { photo } from '../support/faces.ts';
import { edgeToken, site, temporaryFolder, waitUntil } from '../support/spine.ts';

interface Erasure {
  removed: number;
  confirmedEdges?: string[];
  pendingEdges?: string[];
}

describe('governance of personal and biometric data', () => {
  const folder = temporaryFolder('governance');
  let hub: Hub;
  let url: string;
  let registrar: Client;
  let gallery: FaceGalleryStore;
  let edgeDb: EdgeDatabase;
  let edgeGallery: FaceGallery;
  let sync: GallerySync;

  async function enrol(residentId: string, name: string, file: string): Promise<void> {
    const saved = await registrar.call('PUT', `/api/faces/residents/${residentId}`, {
      site,
      name,
      consent: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const enrolled = await registrar.call('POST', `/api/faces/residents/${residentId}/photos`, {
      photos: [{ data: photo(file).toString('base64') }],
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  }

  async function ingest(items: unknown[]): Promise<void> {
    const response = await fetch(`${url}/api/edge/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    ({ hub, url } = await startCommunityHub(`${folder.path}/hub`, { faces: { keepPhotos: true } }));
    registrar = await registerCommunity(url);
    gallery = new FaceGalleryStore((hub.store as SqliteHubStore).database);
    await enrol('zhang', '张桂兰', 'img4.jpg');
    await enrol('liu', '刘德明', 'img1.jpg');

    edgeDb = openEdgeDatabase(`${folder.path}/edge`);
    edgeGallery = new FaceGallery(edgeDb);
    sync = new GallerySync(edgeGallery, { url, token: edgeToken }, 60_000, silentLogger());
    await sync.syncNow();
  });

  afterAll(async () => {
    await sync.stop();
    edgeDb.close();
    await hub.stop();
    folder.remove();
  });

  it('withdrawing face consent erases the faces at the hub and, verified, at the edge', async () => {
    expect(edgeGallery.person('zhang'), 'the edge holds Zhang’s face').toBeDefined();

    const withdrawn = await registrar.call<{ erasure: Record<string, Erasure> }>(
      'PUT',
      '/api/registry/residents/zhang/consent',
      { face: false, photo: false, notifyContacts: true },
    );
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.erasure.faces, 'erased at the hub, the edge still to confirm').toEqual({
      removed: 1,
      confirmedEdges: [],
      pendingEdges: ['home-1'],
    });
    expect(await gallery.getResident('zhang'), 'gone from the hub gallery').toBeUndefined();
    const embeddings = (hub.store as SqliteHubStore).database
      .prepare(`SELECT count(*) AS n FROM face_embeddings WHERE resident_id = 'zhang'`)
      .get() as { n: number };
    expect(embeddings.n, 'no embedding row is left').toBe(0);

    await sync.syncNow();
    expect(edgeGallery.person('zhang'), 'the edge dropped Zhang at its next sync').toBeUndefined();
    expect(edgeGallery.person('liu'), 'Liu is still there').toBeDefined();
    await sync.syncNow();
    const check = await registrar.call<{ confirmedEdges: string[]; pendingEdges: string[] }[]>(
      'GET',
      '/api/registry/residents/zhang/erasures',
    );
    expect(check.body.at(-1), 'the edge has confirmed by syncing past the removal').toMatchObject({
      reason: 'consent_withdrawn',
      confirmedEdges: ['home-1'],
      pendingEdges: [],
    });

    const again = await registrar.call('PUT', '/api/faces/residents/zhang', {
      site,
      name: '张桂兰',
      consent: true,
    });
    expect(again.status, 'no re-enrolment without the registry’s consent').toBe(409);
  });

  it('withdrawing only photo consent removes the photos and keeps recognition', async () => {
    const photos = () =>
      (
        (hub.store as SqliteHubStore).database
          .prepare(`SELECT count(photo) AS n FROM face_embeddings WHERE resident_id = 'liu'`)
          .get() as { n: number }
      ).n;
    expect(photos(), 'the enrolment photo was kept, as configured').toBe(1);
    const result = await registrar.call<{ erasure: Record<string, Erasure> }>(
      'PUT',
      '/api/registry/residents/liu/consent',
      { face: true, photo: false, notifyContacts: true },
    );
    expect(result.body.erasure.faces!.removed).toBe(1);
    expect(photos(), 'the photo is gone').toBe(0);
    expect((await gallery.getResident('liu'))!.faces, 'the embedding stays').toBe(1);
  });

  it('audits staff reads of faces and the gate log too, naming the resident', async () => {
    const face = await registrar.call('GET', '/api/faces/residents/liu');
    expect(face.status).toBe(200);
    const gateLog = await registrar.call('GET', '/api/access');
    expect(gateLog.status).toBe(200);
    const trail = await hub.store.auditTrail('resident:liu');
    expect(trail.at(-1), 'the face read is on Liu’s trail').toMatchObject({
      actor: 'registrar',
      action: 'personal_data_read',
      detail: { route: '/api/faces/residents/:residentId' },
    });
    const lists = await hub.store.auditTrail('personal-data');
    expect(lists.at(-1)!.detail).toMatchObject({ route: '/api/access' });
  });

  it('exports everything held about one resident, and audits the export', async () => {
    const fall = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' }, 'fall');
    await waitUntil(
      async () => (await hub.notifyStore.deliveriesOf(fall.id)).length > 0,
      'the fall was routed to her family and grid worker',
    );
    await ingest([
      {
        key: randomUUID(),
        kind: 'telemetry',
        body: {
          site,
          deviceKind: 'band',
          deviceId: 'band-zhang',
          telemetry: { time: new Date().toISOString(), heartRateBpm: 77 },
        },
      },
    ]);
    await registrar.call('GET', '/api/registry/residents/zhang');
    const exported = await registrar.call<Record<string, unknown>>(
      'GET',
      '/api/registry/residents/zhang/export',
    );
    expect(exported.status).toBe(200);
    const body = exported.body as {
      registry: { resident: { name: string }; contacts: unknown[]; devices: unknown[] };
      alerts: { type: string }[];
      telemetry: { telemetry: { body: { heartRateBpm: number } }[] };
      faces: { erasures: unknown[] };
      audit: { action: string }[];
      notifications: unknown[];
    };
    expect(body.registry.resident.name).toBe('张桂兰');
    expect(body.registry.contacts, 'with her contacts').toHaveLength(1);
    expect(
      body.alerts.map((alert) => alert.type),
      'alerts about her band',
    ).toContain('fall');
    expect(body.telemetry.telemetry[0]!.body.heartRateBpm, 'her band’s telemetry').toBe(77);
    expect(body.faces.erasures, 'the record of her face erasure').toHaveLength(1);
    expect(body.notifications.length, 'who was told about her alerts').toBeGreaterThan(0);
    expect(
      body.audit.some((entry) => entry.action === 'personal_data_read'),
      'who read her data',
    ).toBe(true);
    const trail = await hub.store.auditTrail('resident:zhang');
    expect(trail.at(-1)!.action).toBe('personal_data_exported');
  });

  it('moving out erases biometrics and unbinds the band', async () => {
    const moved = await registrar.call<{ resident: { status: string } }>(
      'POST',
      '/api/registry/residents/liu/move-out',
    );
    expect(moved.body.resident.status).toBe('moved_out');
    expect(await gallery.getResident('liu'), 'faces erased on moving out').toBeUndefined();
    expect(await hub.registry.listBindings({ residentId: 'liu' })).toEqual([]);
    await sync.syncNow();
    expect(edgeGallery.person('liu'), 'and at the edge').toBeUndefined();
  });

  it('erases one resident: registry, telemetry and alert evidence go; the audit stays', async () => {
    const erased = await registrar.call<{ erasure: Record<string, Erasure> }>(
      'DELETE',
      '/api/registry/residents/zhang',
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erasure.telemetry!.removed).toBeGreaterThan(0);
    expect(await hub.registry.getResident('zhang')).toBeUndefined();
    expect(await hub.registry.contactsOf('zhang')).toEqual([]);
    const db = (hub.store as SqliteHubStore).database;
    const left = db
      .prepare(`SELECT count(*) AS n FROM telemetry WHERE device_id = 'band-zhang'`)
      .get() as { n: number };
    expect(left.n, 'no telemetry of her band').toBe(0);
    const evidence = db
      .prepare(
        `SELECT count(*) AS n FROM alerts WHERE subject_id = 'band-zhang' AND evidence IS NOT NULL`,
      )
      .get() as { n: number };
    expect(evidence.n, 'her alerts keep no evidence').toBe(0);
    const trail = await hub.store.auditTrail('resident:zhang');
    expect(trail.at(-1)!.action, 'the erasure itself is on record').toBe('personal_data_erased');
  });
});
