import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import {
  edgeToken,
  login,
  operator,
  otherEdgeToken,
  site,
  startHub,
  temporaryFolder,
  viewer,
} from '../support/spine.ts';

describe('the hub API', () => {
  const folder = temporaryFolder('hub-api');
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    ({ hub, url } = await startHub(folder.path));
  });
  afterAll(async () => {
    await hub.stop();
    folder.remove();
  });

  const ingest = (token: string, items: unknown[]): Promise<Response> =>
    fetch(`${url}/api/edge/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });

  const sosItem = (key: string, band = 'band-7', itemSite = site): unknown => ({
    key,
    kind: 'alert',
    body: {
      type: 'sos',
      severity: 'critical',
      site: itemSite,
      edgeId: 'home-1',
      subject: { kind: 'band', id: band },
      dedupKey: `${itemSite}/band/${band}/sos`,
      raisedAt: new Date().toISOString(),
    },
  });

  it('answers /healthz and login without a session, and nothing else', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    for (const path of ['/api/alerts', '/api/devices', '/api/openapi.json', '/api/auth/me']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, `${path} needs a session`).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('HAVEN_UNAUTHENTICATED');
    }
    const commands = await fetch(`${url}/api/edge/commands`);
    expect(commands.status, 'the command channel needs an edge token').toBe(401);
  });

  it('refuses a wrong password with a stable code and no detail', async () => {
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: operator.username, password: 'wrong-password' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('HAVEN_BAD_LOGIN');
  });

  it('refuses ingest without the edge token', async () => {
    const response = await ingest('not-a-token-of-any-edge', [sosItem('key-00000001')]);
    expect(response.status).toBe(401);
  });

  it('stores an item once however often the edge retries it', async () => {
    const items = [sosItem('key-retry-0001', 'band-retry')];
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await ingest(edgeToken, items);
      expect(await response.json()).toEqual({ accepted: ['key-retry-0001'], rejected: [] });
    }
    const alerts = (await hub.store.listAlerts({})).filter((a) => a.subject.id === 'band-retry');
    expect(alerts, 'one alert').toHaveLength(1);
    expect(alerts[0]!.occurrences, 'a retry is not a new press').toBe(1);
  });

  it('keeps an SOS an edge sends under a wrong site, and tells the police room', async () => {
    const response = await ingest(edgeToken, [sosItem('key-othersite1', 'band-x', 'elsewhere')]);
    expect(await response.json()).toEqual({ accepted: ['key-othersite1'], rejected: [] });
    expect(
      await hub.store.listAlerts({ site: 'elsewhere' }),
      'nothing under the claimed site',
    ).toHaveLength(0);
    const alerts = await hub.store.listAlerts({ site });
    const sos = alerts.find((a) => a.subject.id === 'band-x');
    expect(sos?.type, 'the SOS is stored under the site the edge serves').toBe('sos');
    const mismatch = alerts.filter((a) => a.type === 'edge_site_mismatch');
    expect(mismatch, 'the misconfigured edge is reported once').toHaveLength(1);
    expect(mismatch[0]!.subject).toEqual({ kind: 'edge', id: 'home-1' });
  });

  it('sets aside an item it can never take, with a reason, and takes the rest', async () => {
    const poisoned = {
      key: 'key-poison-001',
      kind: 'alert',
      body: {
        ...(sosItem('x', 'band-p') as { body: object }).body,
        raisedAt: '2026-02-30T10:00:00Z',
      },
    };
    const response = await ingest(edgeToken, [poisoned, sosItem('key-good-0001', 'band-good')]);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      accepted: string[];
      rejected: { key: string; reason: string }[];
    };
    expect(answer.accepted).toEqual(['key-good-0001']);
    expect(answer.rejected.map((r) => r.key)).toEqual(['key-poison-001']);
    expect(answer.rejected[0]!.reason).toMatch(/raisedAt/);
  });

  it('rejects a body that is not a list of items', async () => {
    const response = await ingest(edgeToken, [{ kind: 'alert' }]);
    expect(response.status).toBe(400);
  });

  it("does not let one site's edge touch another site's alerts", async () => {
    await ingest(edgeToken, [sosItem('key-site-a-01', 'band-shared')]);
    const before = (await hub.store.listAlerts({ site })).find(
      (a) => a.subject.id === 'band-shared',
    )!;
    const response = await fetch(`${url}/api/edge/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherEdgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          { ...(sosItem('key-site-b-01', 'band-shared', 'other') as object) },
          {
            key: 'key-site-b-02',
            kind: 'clear',
            body: {
              site: 'other',
              edgeId: 'far-1',
              dedupKey: before.dedupKey,
              clearedAt: new Date().toISOString(),
            },
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const after = (await hub.store.getAlert(before.id))!;
    expect(after.occurrences, 'the other site raised its own alert').toBe(1);
    expect(after.conditionCleared).toBe(false);
  });

  it('lets a viewer read alerts but not acknowledge them', async () => {
    await ingest(edgeToken, [sosItem('key-viewer-001', 'band-viewer')]);
    const token = await login(url, viewer);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const alerts = (await (await fetch(`${url}/api/alerts`, { headers })).json()) as {
      id: string;
      subject: { id: string };
    }[];
    const alert = alerts.find((a) => a.subject.id === 'band-viewer')!;
    expect(alert, 'the viewer sees the alert').toBeDefined();
    const response = await fetch(`${url}/api/alerts/${alert.id}/acknowledge`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('HAVEN_FORBIDDEN');
  });

  it('walks an alert through its lifecycle and refuses steps out of order', async () => {
    await ingest(edgeToken, [sosItem('key-life-0001', 'band-life')]);
    const token = await login(url);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const alert = (await hub.store.listAlerts({})).find((a) => a.subject.id === 'band-life')!;
    const post = (step: string, body: unknown): Promise<Response> =>
      fetch(`${url}/api/alerts/${alert.id}/${step}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });

    expect((await post('acknowledge', {})).status).toBe(200);
    expect((await post('acknowledge', {})).status, 'acknowledged twice').toBe(409);
    expect((await post('dispatch', { assignee: 'grid-wang', note: '王网格员上门' })).status).toBe(
      200,
    );
    expect((await post('resolve', {})).status, 'resolving needs a note').toBe(400);
    expect((await post('resolve', { note: '老人误按，已确认安全' })).status).toBe(200);
    expect((await post('assign', { assignee: 'x' })).status, 'resolved is final').toBe(409);

    const detail = (await (await fetch(`${url}/api/alerts/${alert.id}`, { headers })).json()) as {
      alert: { state: string; assignee: string };
      audit: { actor: string; action: string; detail: { note?: string } | null }[];
    };
    expect(detail.alert.state).toBe('resolved');
    expect(detail.alert.assignee).toBe('grid-wang');
    // Escalation steps (actor "haven") are audited too; this test is about people.
    const byPeople = detail.audit.filter((entry) => entry.actor !== 'haven');
    expect(byPeople.map((entry) => entry.action)).toEqual([
      'raised',
      'acknowledged',
      'dispatched',
      'resolved',
    ]);
    expect(byPeople.at(-1)?.detail?.note).toBe('老人误按，已确认安全');
  });

  it('serves its OpenAPI document to staff, built from the same schemas', async () => {
    const token = await login(url, viewer);
    const response = await fetch(`${url}/api/openapi.json`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/alerts', '/api/edge/ingest', '/api/auth/login']),
    );
  });

  it('limits login attempts per client address', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const response = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'guess', password: `guess-${attempt}` }),
      });
      statuses.push(response.status);
    }
    expect(statuses, 'after the limit, attempts are refused without checking').toContain(429);
  });
});
