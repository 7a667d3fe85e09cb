import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Hub } from '../../hub/server.ts';
import { operator, temporaryFolder, waitUntil } from '../support/spine.ts';
import { launchChromium, openLoggedIn, startDashboardHub } from '../support/dashboard.ts';

describe('a notice addressed to the person at the dashboard', () => {
  const folder = temporaryFolder('notices');
  let hub: Hub;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ hub, url } = await startDashboardHub(folder.path));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub.stop();
    folder.remove();
  });

  it('shows, is reported delivered, and is reported read when dismissed', async () => {
    const page = await openLoggedIn(browser, url, operator);
    const receipts: string[] = [];
    // The notify feature decides who is told (tested in test/notify); here the
    // hub's bus hands one notice to this operator's live socket directly.
    hub.app.live.on('receipt', (username, deliveryId, status) => {
      receipts.push(`${username}:${deliveryId}:${status}`);
    });
    hub.app.live.emit('notification', operator.username, {
      deliveryId: 'delivery-1',
      alertId: 'alert-1',
      title: 'SOS 一键呼叫：张秀英',
      body: '3号楼2单元 请尽快联系',
    });

    const notice = page.locator('li.notice[data-delivery="delivery-1"]');
    await notice.waitFor();
    expect(await notice.locator('strong').textContent()).toBe('SOS 一键呼叫：张秀英');
    await waitUntil(() => receipts.includes('duty:delivery-1:delivered'), 'delivered');

    await notice.locator('button.notice-read').click();
    await waitUntil(() => receipts.includes('duty:delivery-1:read'), 'read');
    expect(await page.locator('li.notice').count(), 'the notice is gone').toBe(0);
  });
});
