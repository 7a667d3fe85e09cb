import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Hub } from '../../hub/server.ts';
import type { SqliteHubStore } from '../../hub/store/sqlite.ts';
import { login, site, startHub, temporaryFolder, viewer } from '../support/spine.ts';
import { api, photo } from '../support/faces.ts';

interface PhotoResult {
  index: number;
  accepted: boolean;
  reason?: string;
  message?: string;
}

describe('enrolling a resident’s face photos at the hub', () => {
  const folder = temporaryFolder('enrol');
  let hub: Hub;
  let hubUrl: string;
  let token: string;

  async function enrol(residentId: string, photos: Buffer[]) {
    return api(hubUrl, token, 'POST', `/api/faces/residents/${residentId}/photos`, {
      photos: photos.map((bytes, index) => ({
        name: `photo-${index}`,
        data: bytes.toString('base64'),
      })),
    });
  }

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    token = await login(hubUrl);
    const saved = await api(hubUrl, token, 'PUT', '/api/faces/residents/r-1', {
      site,
      name: '孙桂兰',
      consent: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });

  afterAll(async () => {
    await hub?.stop();
    folder.remove();
  });

  it('refuses each bad photo with its reason and keeps the good ones', async () => {
    const blurred = await sharp(photo('img10.jpg')).blur(6).jpeg().toBuffer();
    const tiny = await sharp(photo('img1.jpg')).resize({ width: 90 }).jpeg().toBuffer();
    const empty = await sharp({
      create: { width: 400, height: 300, channels: 3, background: { r: 120, g: 130, b: 140 } },
    })
      .jpeg()
      .toBuffer();
    const reply = await enrol('r-1', [
      photo('img1.jpg'),
      blurred,
      photo('img62.jpg'),
      empty,
      Buffer.from('this is not a picture at all'),
      tiny,
      photo('img2.jpg'),
    ]);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const results = reply.body.photos as PhotoResult[];
    expect(
      results.map((result) => result.reason ?? 'accepted'),
      JSON.stringify(results),
    ).toEqual([
      'accepted',
      'too_blurry',
      'several_faces',
      'no_face',
      'unreadable',
      'face_too_small',
      'accepted',
    ]);
    expect(results[1]!.message, 'the reason is readable').toMatch(/not sharp enough/);
    expect(reply.body.enrolled).toBe(2);
    expect((reply.body.resident as { faces: number }).faces).toBe(2);
  });

  it('a request where every photo is bad is refused as a whole', async () => {
    const reply = await enrol('r-1', [photo('img62.jpg')]);
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('HAVEN_FACE_PHOTOS_REJECTED');
    expect((reply.body.photos as PhotoResult[])[0]!.reason).toBe('several_faces');
  });

  it('keeps embeddings but not the photos, unless configured to', async () => {
    const database = (hub.store as SqliteHubStore).database;
    const rows = database
      .prepare(
        'SELECT length(embedding) AS bytes, photo FROM face_embeddings WHERE resident_id = ?',
      )
      .all('r-1') as { bytes: number; photo: Buffer | null }[];
    expect(
      rows.map((row) => row.bytes),
      '128 float32 values per face',
    ).toEqual([512, 512]);
    expect(
      rows.every((row) => row.photo === null),
      'no photo was stored',
    ).toBe(true);
  });

  it('needs the resident’s consent, and a staff member who may enrol', async () => {
    await api(hubUrl, token, 'PUT', '/api/faces/residents/r-2', {
      site,
      name: '周志强',
      consent: false,
    });
    const withoutConsent = await enrol('r-2', [photo('img29.jpg')]);
    expect(withoutConsent.status).toBe(409);
    expect(withoutConsent.body.code).toBe('HAVEN_FACE_CONSENT_MISSING');

    const viewerToken = await login(hubUrl, viewer);
    const asViewer = await api(hubUrl, viewerToken, 'POST', '/api/faces/residents/r-1/photos', {
      photos: [{ data: photo('img4.jpg').toString('base64') }],
    });
    expect(asViewer.status, 'a viewer may not enrol faces').toBe(403);

    const edgeGallery = await fetch(`${hubUrl}/api/edge/faces/gallery`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(edgeGallery.status, 'a staff session is not an edge token').toBe(401);
  });
});
