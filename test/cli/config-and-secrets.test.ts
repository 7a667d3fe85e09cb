import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, runHaven, type RunningHaven } from '../support/processes.ts';
import {
  bandSecret,
  bandTopic,
  connectBand,
  login,
  registeredBand,
  site,
  sos,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

const havenBin = fileURLToPath(new URL('../../bin/haven', import.meta.url));

function haven(args: string[], env: Record<string, string> = {}) {
  return spawnSync(havenBin, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('haven reads its config before starting anything', () => {
  const folder = temporaryFolder('cli');
  afterAll(() => folder.remove());

  it('names the path of a wrong key and a wrong value, and exits non-zero', () => {
    const file = `${folder.path}/edge.yaml`;
    writeFileSync(
      file,
      [
        'edgeId: home-1',
        'site: xincun',
        'mqtt: { port: "eighteen", colour: blue }',
        'hub: { url: "http://127.0.0.1:1", token: "0123456789abcdef0123" }',
      ].join('\n'),
    );
    const result = haven(['edge', '--config', file]);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('/mqtt/colour: Unexpected property');
    expect(result.stderr).toContain('/mqtt/port: Expected integer');
  });

  it('names an environment variable that a secret refers to and is not set', () => {
    const file = `${folder.path}/hub.json`;
    writeFileSync(
      file,
      JSON.stringify({
        edges: [{ id: 'home-1', site, token: '${HAVEN_TEST_UNSET_TOKEN}' }],
      }),
    );
    const result = haven(['hub', '--config', file]);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(
      '/edges/0/token: environment variable HAVEN_TEST_UNSET_TOKEN is not set',
    );
  });

  it('refuses two edges with one token and never prints the token', () => {
    const file = `${folder.path}/dup.yaml`;
    writeFileSync(
      file,
      [
        'edges:',
        '  - { id: home-1, site: xincun, token: "shared-token-0123456789" }',
        '  - { id: home-2, site: other, token: "shared-token-0123456789" }',
        'staff: [{ username: duty, role: operator, password: "short" }]',
      ].join('\n'),
    );
    const result = haven(['hub', '--config', file]);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('/staff/0/password');
    expect(result.stderr, 'a secret is named, never shown').not.toContain('short"');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"short"', '"long-enough-pw"'));
    const second = haven(['hub', '--config', file]);
    expect(second.status).toBe(78);
    expect(second.stderr).toContain('/edges/1/token: the same token as /edges/0/token');
    expect(second.stderr).not.toContain('shared-token-0123456789');
  });

  it('never prints a secret from the environment, even under a misspelt key', () => {
    const file = `${folder.path}/typo.yaml`;
    writeFileSync(
      file,
      [
        'edgeId: home-1',
        'site: xincun',
        'hub: { url: "http://127.0.0.1:1", tokn: "${HAVEN_TEST_SECRET}" }',
        'note: [unclosed "${HAVEN_TEST_SECRET}"',
      ].join('\n'),
    );
    const secret = 'Secret-Value-From-Env-0123456789';
    const broken = haven(['edge', '--config', file], { HAVEN_TEST_SECRET: secret });
    expect(broken.status).toBe(78);
    expect(broken.stderr, 'a YAML error does not quote the file').not.toContain(secret);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^note:.*$/m, ''));
    const typo = haven(['edge', '--config', file], { HAVEN_TEST_SECRET: secret });
    expect(typo.status).toBe(78);
    expect(typo.stderr).toContain('/hub/tokn: Unexpected property');
    expect(typo.stderr).not.toContain(secret);
  });

  it('reports a file that is not YAML', () => {
    const file = `${folder.path}/broken.yaml`;
    writeFileSync(file, 'edgeId: [unclosed');
    const result = haven(['edge', '--config', file]);
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/not valid YAML/);
  });
});

describe('logs never carry a secret', () => {
  const running: RunningHaven[] = [];
  afterEach(async () => {
    for (const process of running.splice(0)) await process.kill('SIGTERM');
  });

  it('a night of logins, edge traffic and an SOS prints no password or token', async () => {
    const folder = temporaryFolder('secrets');
    const secrets = {
      HAVEN_DUTY_PASSWORD: 'duty-Password-7731',
      HAVEN_EDGE_TOKEN: 'edge-Token-5f1e2d3c4b5a69788796',
    };
    const hubPort = await freePort();
    writeFileSync(
      `${folder.path}/hub.yaml`,
      [
        `listen: { host: 127.0.0.1, port: ${hubPort} }`,
        `dataDir: ${folder.path}/hub`,
        'edges: [{ id: home-1, site: xincun, token: "${HAVEN_EDGE_TOKEN}" }]',
        'staff: [{ username: duty, role: operator, password: "${HAVEN_DUTY_PASSWORD}" }]',
      ].join('\n'),
    );
    writeFileSync(
      `${folder.path}/edge.json`,
      JSON.stringify({
        edgeId: 'home-1',
        site,
        dataDir: `${folder.path}/edge`,
        mqtt: { host: '127.0.0.1', port: 0 },
        hub: { url: `http://127.0.0.1:${hubPort}`, token: '${HAVEN_EDGE_TOKEN}' },
        devices: [registeredBand('band-001')],
      }),
    );
    const hub = runHaven(['hub', '--config', `${folder.path}/hub.yaml`], secrets);
    running.push(hub);
    await hub.waitForLog('hub started');
    const edge = runHaven(['edge', '--config', `${folder.path}/edge.json`], secrets);
    running.push(edge);
    const started = await edge.waitForLog('edge agent started');

    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const session = await login(hubUrl, {
      username: 'duty',
      password: secrets.HAVEN_DUTY_PASSWORD,
    });
    const failed = await fetch(`${hubUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'duty', password: 'typo-Password-7731' }),
    });
    expect(failed.status).toBe(401);
    const band = await connectBand(Number(String(started.mqtt).split(':')[1]), 'band-001');
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    await hub.waitForLog('alert raised');
    await band.endAsync();
    await waitUntil(() => hub.lines.some((line) => line.msg === 'login refused'), 'refusal log');

    const output = JSON.stringify([...hub.lines, ...edge.lines]);
    for (const secret of [
      secrets.HAVEN_DUTY_PASSWORD,
      'typo-Password-7731',
      secrets.HAVEN_EDGE_TOKEN,
      session,
      bandSecret('band-001'),
    ]) {
      expect(output.includes(secret), `a secret of ${secret.length} characters was logged`).toBe(
        false,
      );
    }
    folder.remove();
  });
});
