import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../hub/server.ts';
import { temporaryFolder } from '../support/spine.ts';
import {
  admin,
  apiToken,
  launchChromium,
  openLoggedIn,
  startDashboardHub,
} from '../support/dashboard.ts';

describe('patrol plans on the administration page', () => {
  const folder = temporaryFolder('patrol-admin');
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

  /** Fills and submits one form; a saved form is cleared, which is what is awaited. */
  async function submit(page: Page, form: string, fields: Record<string, string>): Promise<void> {
    const locator = page.locator(`form.${form}`);
    for (const [name, value] of Object.entries(fields)) {
      await locator.locator(`input[name=${name}]`).fill(value);
    }
    await locator.locator('button[type=submit]').click();
    await page.waitForFunction(
      (selector) => (document.querySelector(selector) as HTMLInputElement).value === '',
      `form.${form} input[name=id]`,
    );
    expect(await page.locator('.admin-patrol [role=status]').textContent()).toBe('已保存');
  }

  it('saves checkpoints, a route and a night schedule that the hub then holds', async () => {
    const page = await openLoggedIn(browser, url, admin);
    await page.goto(`${url}/#/admin`);
    await page.locator('form.checkpoint-form').waitFor();

    await submit(page, 'checkpoint-form', {
      id: 'cp-east',
      name: '3号楼东门',
      tagId: 'TAG-3E',
      site: 'xincun',
      xM: '10',
      yM: '5',
    });
    await submit(page, 'checkpoint-form', {
      id: 'cp-garage',
      name: '地下车库入口',
      tagId: 'TAG-GA',
      site: 'xincun',
    });
    await submit(page, 'route-form', {
      id: 'route-night',
      name: '夜间路线',
      site: 'xincun',
      stops: 'cp-east, cp-garage 300',
    });
    await submit(page, 'schedule-form', {
      id: 'night',
      name: '夜班巡更',
      routeId: 'route-night',
      firstRound: '22:00',
      until: '06:00',
      everyMinutes: '120',
    });
    await page.locator('table.schedules tr[data-schedule=night]').waitFor();
    expect(await page.locator('table.checkpoints tr').count()).toBe(2);

    const token = await apiToken(url, admin);
    const routes = (await (
      await fetch(`${url}/api/patrol/routes`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string; stops: { checkpointId: string; walkSeconds: number }[] }[];
    expect(routes.find((route) => route.id === 'route-night')?.stops).toEqual([
      { checkpointId: 'cp-east', walkSeconds: 0 },
      { checkpointId: 'cp-garage', walkSeconds: 300 },
    ]);
  });

  it("shows the hub's reason when a plan is refused", async () => {
    const page = await openLoggedIn(browser, url, admin);
    await page.goto(`${url}/#/admin`);
    const form = page.locator('form.route-form');
    await form.waitFor();
    for (const [name, value] of Object.entries({
      id: 'route-bad',
      name: '错路线',
      site: 'xincun',
      stops: 'cp-nowhere',
    })) {
      await form.locator(`input[name=${name}]`).fill(value);
    }
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() =>
      document.querySelector('.admin-patrol [role=status]')?.textContent?.startsWith('保存失败'),
    );
  });
});
