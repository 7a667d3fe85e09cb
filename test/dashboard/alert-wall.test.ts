import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { SqliteHubStore } from '../../hub/store/sqlite.ts';
import {
  bandTopic,
  connectBand,
  operator,
  sos,
  startEdge,
  temporaryFolder,
  viewer,
  waitUntil,
} from '../support/spine.ts';
import {
  launchChromium,
  openLoggedIn,
  screenshotFolder,
  startDashboardHub,
} from '../support/dashboard.ts';

describe('the police-room alert wall in a real Chromium', () => {
  const folder = temporaryFolder('wall');
  const hubData = `${folder.path}/hub`;
  let hub: Hub;
  let url: string;
  let edge: EdgeAgent;
  /** band id → its MQTT client; each test presses SOS on its own band */
  const bands = new Map<string, MqttClient>();
  const bandIds = ['band-001', 'band-002', 'band-003', 'band-004', 'band-005'];
  let browser: Browser;
  const bandCommands: Record<string, unknown>[] = [];

  // An open SOS of the same band counts as the same alert, so each test uses another band.
  async function pressSos(bandId: string): Promise<string> {
    const before = new Set((await hub.store.listAlerts({})).map((alert) => alert.id));
    await bands.get(bandId)!.publishAsync(bandTopic(bandId, 'event'), sos(), { qos: 1 });
    let id = '';
    await waitUntil(async () => {
      const fresh = (await hub.store.listAlerts({})).find((alert) => !before.has(alert.id));
      id = fresh?.id ?? '';
      return id !== '';
    }, 'the hub stored the SOS');
    return id;
  }

  function card(page: Page, id: string): ReturnType<Page['locator']> {
    return page.locator(`li.alert[data-id="${id}"]`);
  }

  beforeAll(async () => {
    mkdirSync(screenshotFolder, { recursive: true });
    ({ hub, url } = await startDashboardHub(hubData));
    edge = await startEdge(`${folder.path}/edge`, url, bandIds);
    for (const id of bandIds) bands.set(id, await connectBand(edge.mqttPort, id));
    const first = bands.get('band-001')!;
    first.on('message', (_topic, payload) => {
      bandCommands.push(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
    await first.subscribeAsync(bandTopic('band-001', 'command'), { qos: 1 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const band of bands.values()) await band.endAsync();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('shows an SOS live with the alarm sounding; acknowledging silences it and answers the band', async () => {
    const page = await openLoggedIn(browser, url, operator);
    await page.waitForSelector('#calm:not([hidden])');
    expect(await page.getAttribute('#sound', 'data-state'), 'quiet before any alarm').toBe('quiet');
    await page.screenshot({ path: join(screenshotFolder, 'wall-calm.png') });

    const id = await pressSos('band-001');
    await card(page, id).waitFor();
    expect(await card(page, id).getAttribute('data-severity')).toBe('critical');
    expect(await card(page, id).locator('.what').textContent(), 'named in Chinese').toContain(
      'SOS 一键呼叫',
    );
    await page.waitForSelector('#sound[data-state=sounding]');
    expect(await page.locator('#critical-banner').isVisible(), 'the banner shows').toBe(true);
    expect(await page.locator('#calm').isHidden(), 'the calm panel hides').toBe(true);
    await page.screenshot({ path: join(screenshotFolder, 'wall-sos.png') });

    await card(page, id).locator('button.acknowledge').click();
    await page.waitForSelector(`li.alert[data-id="${id}"][data-state=acknowledged]`);
    await page.waitForSelector('#sound[data-state=quiet]');
    expect(await card(page, id).locator('.meta').textContent()).toContain('已确认');
    expect(await page.locator('#critical-banner').count(), 'the banner goes').toBe(0);
    await waitUntil(
      () => bandCommands.some((command) => command.alertId === id),
      'the band was told help is coming',
    );
    expect(bandCommands.find((command) => command.alertId === id)).toMatchObject({
      kind: 'help_coming',
    });
    await page.close();
  });

  it('dispatches, notes and resolves an alert, and its detail shows the audit trail', async () => {
    const id = await pressSos('band-002');
    const page = await openLoggedIn(browser, url, operator);
    await card(page, id).click();
    await page.waitForSelector(`section.alert-detail[data-id="${id}"]`);
    const detail = page.locator('section.alert-detail');
    await page.waitForSelector('section.escalation[data-tier]');

    await detail.locator('button.assign').click();
    await detail.locator('input[name=assignee]').fill('网格员老李');
    await detail.locator('textarea[name=note]').fill('请上门查看');
    await detail.locator('button.save').click();
    await page.waitForSelector(`section.alert-detail[data-state=dispatched]`);

    await detail.locator('button.note').click();
    await detail.locator('textarea[name=note]').fill('已联系女儿');
    await detail.locator('button.save').click();
    await page.waitForSelector('.audit-trail li[data-action=note]');

    await detail.locator('button.resolve').click();
    await detail.locator('textarea[name=note]').fill('老人无碍，误按');
    await detail.locator('button.save').click();
    await page.waitForSelector(`section.alert-detail[data-state=resolved]`);
    await page.waitForSelector('.audit-trail li[data-action=resolved]');

    const trail = await page.locator('.audit-trail').textContent();
    expect(trail, 'dispatch with the assignee').toContain('网格员老李');
    expect(trail, 'the note').toContain('已联系女儿');
    expect(trail, 'the resolution note').toContain('老人无碍，误按');
    expect(await detail.locator('button.resolve').count(), 'no actions once resolved').toBe(0);
    const stored = await hub.store.getAlert(id);
    expect(stored?.state, 'the hub has it resolved').toBe('resolved');
    await page.screenshot({ path: join(screenshotFolder, 'alert-detail.png') });
    await page.close();
  });

  it('switches between Chinese and English and keeps the choice', async () => {
    const page = await openLoggedIn(browser, url, operator);
    expect(await page.locator('nav.sidebar a').first().textContent()).toBe('告警墙');
    await page.click('#language');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('nav.sidebar a').first().textContent()).toBe('Alert wall');
    await page.reload();
    await page.waitForSelector('#connection[data-state=online]');
    expect(await page.locator('nav.sidebar a').first().textContent(), 'kept').toBe('Alert wall');
    await page.click('#language');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.close();
  });

  it('gives a viewer no operator buttons, and the hub refuses a viewer acting anyway', async () => {
    const id = await pressSos('band-003');
    const page = await openLoggedIn(browser, url, viewer);
    await card(page, id).waitFor();
    expect(await card(page, id).locator('button').count(), 'no buttons for a viewer').toBe(0);
    const status = await page.evaluate(async (alertId) => {
      const response = await fetch(`/api/alerts/${alertId}/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    }, id);
    expect(status, 'the hub refuses the viewer').toBe(403);
    await page.close();
  });

  it('reconnects after the hub restarts and resyncs what changed while it was away', async () => {
    const resolvedMeanwhile = await pressSos('band-004');
    const page = await openLoggedIn(browser, url, operator);
    await card(page, resolvedMeanwhile).waitFor();

    const port = Number(new URL(url).port);
    await hub.stop();
    await page.waitForSelector('#connection[data-state=offline]');

    // While the hub is down, the alert is resolved in its store (no live push
    // can tell the page), and a new SOS waits in the edge's outbox.
    const store = new SqliteHubStore(hubData);
    await store.changeAlert(
      resolvedMeanwhile,
      { state: 'resolved' },
      { actor: 'test', action: 'resolved', detail: { note: 'handled by phone' } },
    );
    await store.close();
    await bands.get('band-005')!.publishAsync(bandTopic('band-005', 'event'), sos(), { qos: 1 });

    const alertListFetches: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/alerts?')) alertListFetches.push(request.url());
    });
    ({ hub, url } = await startDashboardHub(hubData, port));

    await page.waitForSelector('#connection[data-state=online]', { timeout: 20_000 });
    await card(page, resolvedMeanwhile).waitFor({ state: 'detached' });
    const queuedSos = async (): Promise<string | undefined> =>
      (await hub.store.listAlerts({})).find((alert) => alert.subject.id === 'band-005')?.id;
    await waitUntil(
      async () => (await queuedSos()) !== undefined,
      'the queued SOS arrived',
      20_000,
    );
    await card(page, (await queuedSos())!).waitFor();
    expect(alertListFetches.length, 'the page refetched the alert list').toBeGreaterThan(0);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: join(screenshotFolder, 'wall-laptop.png') });
    await page.close();
  });
});
