// Helpers for the police-room dashboard tests: a hub with an administrator as
// well as the spine's operator and viewer, a headless Debian Chromium, and a
// logged-in page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { HubConfig } from '../../hub/config.ts';
import { Hub } from '../../hub/server.ts';
import { edgeToken, operator, site, viewer } from './spine.ts';

/** Screenshots of the main views, linked from the README's Dashboard section. */
export const screenshotFolder = join(process.cwd(), '.data', 'screenshots');
mkdirSync(screenshotFolder, { recursive: true });

export const admin = { username: 'chief', password: 'chief-password-1' };

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

export function dashboardHubConfig(dataDir: string, port = 0, lingerMs = 300): HubConfig {
  return parseConfig(
    HubConfig,
    {
      listen: { host: '127.0.0.1', port },
      dataDir,
      edges: [{ id: 'home-1', site, token: edgeToken }],
      staff: [
        { username: operator.username, role: 'operator', password: operator.password },
        { username: viewer.username, role: 'viewer', password: viewer.password },
        { username: admin.username, role: 'admin', password: admin.password },
      ],
      video: { ffmpegPath: '/usr/bin/ffmpeg', lingerMs },
    },
    'dashboard test hub config',
  );
}

export async function startDashboardHub(
  dataDir: string,
  port = 0,
): Promise<{ hub: Hub; url: string }> {
  const hub = new Hub(dashboardHubConfig(dataDir, port), silentLogger());
  const url = await hub.start();
  return { hub, url };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
}

/** Opens the dashboard and logs in through its form, as staff do. */
export async function openLoggedIn(
  browser: Browser,
  url: string,
  account: { username: string; password: string },
  viewport = { width: 1920, height: 1080 },
): Promise<Page> {
  const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
  await page.goto(url);
  await page.fill('input[name=username]', account.username);
  await page.fill('input[name=password]', account.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#connection[data-state=online]');
  return page;
}

/** A staff member's API token, for setting things up over HTTP. */
export async function apiToken(
  url: string,
  account: { username: string; password: string },
): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (!response.ok) throw new Error(`login of ${account.username} failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
