import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Hub } from '../../hub/server.ts';
import { temporaryFolder } from '../support/spine.ts';
import { deepfaceFolder } from '../support/faces.ts';
import {
  admin,
  apiToken,
  launchChromium,
  openLoggedIn,
  startDashboardHub,
} from '../support/dashboard.ts';

describe('enrolment photos on the administration page', () => {
  const folder = temporaryFolder('enrolment-page');
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

  it('enrols real photos of a consenting resident', { timeout: 90_000 }, async () => {
    const token = await apiToken(url, admin);
    const created = await fetch(`${url}/api/registry/residents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'res-li',
        householdId: null,
        name: '李桂兰',
        birthYear: 1944,
        livesAlone: true,
      }),
    });
    expect(created.status, await created.clone().text()).toBeLessThan(300);

    const page = await openLoggedIn(browser, url, admin);
    await page.goto(`${url}/#/admin`);
    const form = page.locator('form.enrolment-form');
    await form.waitFor();
    await form.locator('select[name=residentId]').selectOption('res-li');
    await form.locator('input[name=site]').fill('xincun');
    await form
      .locator('input[name=photos]')
      .setInputFiles([join(deepfaceFolder, 'img1.jpg'), join(deepfaceFolder, 'img2.jpg')]);
    await form.locator('input[name=consent]').check();
    await form.locator('button[type=submit]').click();

    await page.waitForFunction(
      () => document.querySelector('.admin-enrolment [role=status]')?.textContent !== '',
      undefined,
      { timeout: 60_000 },
    );
    const status = await page.locator('.admin-enrolment [role=status]').textContent();
    expect(status, 'the page says the photos were saved').toBe('已保存');
    const accepted = await page.locator('ul.photo-results li[data-accepted=true]').count();
    expect(accepted, 'both photos of the resident are enrolled').toBeGreaterThanOrEqual(2);

    const resident = (await (
      await fetch(`${url}/api/faces/residents/res-li`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { faces: number; consent: boolean };
    expect(resident.consent).toBe(true);
    expect(resident.faces, 'the gallery holds the enrolled faces').toBe(accepted);
  });
});
