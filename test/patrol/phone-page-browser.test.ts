// The guard's phone page in a real headless Chromium, phone-sized, against a
// real hub: log in, scan by typing the code, lose the network, scan, and get
// the queued scan to the hub with the time it was made once back online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { Hub } from '../../hub/server.ts';
import { temporaryFolder, waitUntil } from '../support/spine.ts';
import {
  HubClient,
  admin,
  guard,
  operator,
  planNight,
  shanghaiClock,
  startPatrolHub,
} from '../support/patrol.ts';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface ScanRow {
  tag: string;
  guard: string;
  reader: string;
  scannedAt: string;
  receivedAt: string;
}

describe('the guard’s phone page in a real Chromium', () => {
  const folder = temporaryFolder('patrol-phone');
  let hub: Hub;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let duty: HubClient;

  beforeAll(async () => {
    ({ hub, url } = await startPatrolHub(`${folder.path}/hub`));
    await planNight(await HubClient.login(hub, admin, url), {
      firstRound: shanghaiClock(2),
      until: shanghaiClock(4 * 60),
      everyMinutes: 180,
    });
    duty = await HubClient.login(hub, operator, url);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
    });
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    // A step that does not happen fails the test with its selector, well inside the test timeout.
    context.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.stop();
    folder.remove();
  });

  async function scans(): Promise<ScanRow[]> {
    return duty.ok<ScanRow[]>('GET', '/api/patrol/scans');
  }

  it('queues a scan made offline and sends it with its original time', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/patrol/`);
    await page.fill('input[name=username]', guard.username);
    await page.fill('input[name=password]', guard.password);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#patrol:not([hidden])');
    await page.waitForSelector('#stops li[data-checkpoint=cp-1]');
    expect(await page.locator('#round-title').textContent(), 'the round shows').toContain(
      '夜班巡更',
    );

    await page.fill('#code', 'TAG-1');
    await page.click('#manual button[type=submit]');
    await page.waitForSelector('#scans li[data-code=TAG-1][data-status=recorded]');
    await page.waitForSelector('#stops li[data-checkpoint=cp-1][data-status=on_time]');

    await context.setOffline(true);
    await page.waitForSelector('#connection[data-state=offline]');
    await page.fill('#code', 'TAG-2');
    await page.click('#manual button[type=submit]');
    const queued = page.locator('#scans li[data-code=TAG-2]');
    await queued.and(page.locator('[data-status=queued]')).waitFor();
    expect(await page.locator('#queue').getAttribute('data-count')).toBe('1');
    const madeAt = (await queued.getAttribute('data-time'))!;
    await page.screenshot({ path: join(folder.path, 'offline.png') });
    expect(
      (await scans()).map((scan) => scan.tag),
      'nothing reached the hub while offline',
    ).toEqual(['TAG-1']);

    // Some time offline, so that arrival and scan times differ visibly.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await context.setOffline(false);
    await page.waitForSelector('#scans li[data-code=TAG-2][data-status=recorded]');
    expect(await page.locator('#queue').getAttribute('data-count')).toBe('0');

    const sent = (await scans()).find((scan) => scan.tag === 'TAG-2')!;
    expect(sent.guard).toBe(guard.username);
    expect(sent.reader, 'sent by the phone').toBe('phone');
    expect(sent.scannedAt, 'the hub keeps the time the scan was made').toBe(madeAt);
    expect(Date.parse(sent.receivedAt) - Date.parse(sent.scannedAt)).toBeGreaterThanOrEqual(1200);
    await page.waitForSelector('#stops li[data-checkpoint=cp-2][data-status=on_time]');
    await page.screenshot({ path: join(folder.path, 'online.png') });
    await page.close();
  });

  it('keeps queued scans when the page is closed offline and sends them on the next visit', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/patrol/`);
    await page.waitForSelector('#patrol:not([hidden])');
    await context.setOffline(true);
    await page.fill('#code', 'TAG-3');
    await page.click('#manual button[type=submit]');
    await page.waitForSelector('#scans li[data-code=TAG-3][data-status=queued]');
    await page.close();

    await context.setOffline(false);
    const next = await context.newPage();
    await next.goto(`${url}/patrol/`);
    await next.waitForSelector('#scans li[data-code=TAG-3][data-status=recorded]');
    await waitUntil(
      async () => (await scans()).some((scan) => scan.tag === 'TAG-3'),
      'the scan queued on the closed page reached the hub',
    );
    await next.close();
  });

  it('refuses police-room staff on the guard page', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/patrol/`);
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('input[name=username]', operator.username);
    await page.fill('input[name=password]', operator.password);
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
    expect(await page.locator('#login-error').textContent()).toBe('此页面仅供巡更人员使用');
    await page.close();
  });
});
