import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import {
  bandTopic,
  connectBand,
  operator,
  sos,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the police-room page in a real Chromium', () => {
  const folder = temporaryFolder('browser');
  let hub: Hub;
  let url: string;
  let edge: EdgeAgent;
  let band: MqttClient;
  let browser: Browser;

  beforeAll(async () => {
    ({ hub, url } = await startHub(`${folder.path}/hub`));
    edge = await startEdge(`${folder.path}/edge`, url, ['band-001']);
    band = await connectBand(edge.mqttPort, 'band-001');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await band.endAsync();
    await edge.stop();
    await hub.stop();
    folder.remove();
  });

  it('logs in, sees an SOS appear live, and acknowledges it', async () => {
    const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await page.goto(url);
    await page.fill('input[name=username]', operator.username);
    await page.fill('input[name=password]', operator.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#calm:not([hidden])');
    await page.waitForSelector('#connection[data-state=online]');

    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const card = page.locator('li.alert[data-type=sos]');
    await card.waitFor();
    expect(await card.getAttribute('data-severity')).toBe('critical');
    expect(await card.locator('.what').textContent(), 'shown in Chinese').toContain('SOS');
    expect(await page.locator('#calm').isHidden(), 'the calm line hides').toBe(true);

    await card.locator('button.acknowledge').click();
    await page.waitForSelector('li.alert[data-type=sos][data-state=acknowledged]');
    await waitUntil(
      async () => (await hub.store.listAlerts({ states: ['acknowledged'] })).length === 1,
      'the hub recorded the acknowledgement',
    );
    expect(await card.locator('.meta').textContent()).toContain('已确认');
    await page.screenshot({ path: join(folder.path, 'wall.png') });
  });

  it('shows a clear message for a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('input[name=username]', operator.username);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
    expect(await page.locator('#login-error').textContent()).toBe('用户名或密码错误');
  });
});
