import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSpreadsheetText, parseCsv } from '../../hub/registry/csv.ts';
import type { ImportReport } from '../../hub/registry/import.ts';
import type { Hub } from '../../hub/server.ts';
import { admin, client, startCommunityHub, type Client } from '../support/community.ts';
import { temporaryFolder } from '../support/spine.ts';

/** GBK bytes for a few characters, as Excel on a Chinese Windows writes them. */
const gbk: Record<string, number[]> = {
  姓: [0xd0, 0xd5],
  名: [0xc3, 0xfb],
  王: [0xcd, 0xf5],
  芳: [0xb7, 0xbc],
  男: [0xc4, 0xd0],
  女: [0xc5, 0xae],
  是: [0xca, 0xc7],
  否: [0xb7, 0xf1],
  性: [0xd0, 0xd4],
  别: [0xb1, 0xf0],
  独: [0xb6, 0xc0],
  居: [0xbe, 0xd3],
};

function encodeGbk(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const mapped = gbk[char];
    if (mapped) bytes.push(...mapped);
    else if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else throw new Error(`test table lacks GBK bytes for ${char}`);
  }
  return Buffer.from(bytes);
}

describe('reading spreadsheet exports', () => {
  it('knows UTF-8 with a BOM, UTF-16 and GBK by their bytes', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名\n王芳\n')]);
    expect(decodeSpreadsheetText(bom)).toEqual({ text: '姓名\n王芳\n', encoding: 'utf-8' });
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('姓名\t性别\n', 'utf16le'),
    ]);
    expect(decodeSpreadsheetText(utf16).encoding).toBe('utf-16le');
    const ansi = encodeGbk('姓名\n王芳\n');
    expect(decodeSpreadsheetText(ansi), 'GBK bytes are not UTF-8').toEqual({
      text: '姓名\n王芳\n',
      encoding: 'gb18030',
    });
  });

  it('keeps quoted commas and line breaks, and resumes after a broken record', () => {
    const records = parseCsv(
      'a,b\n"x, y","line1\nline2"\n"bad"quote,z\nok,1\n"never closed,2\nlast,3\n',
    );
    expect(records.map((r) => [r.line, r.fields, r.error ?? null])).toEqual([
      [1, ['a', 'b'], null],
      [2, ['x, y', 'line1\nline2'], null],
      [4, [], 'column 1 has text after its closing quote'],
      [5, ['ok', '1'], null],
      [6, [], 'a quote opened in column 1 is never closed'],
      [7, ['last', '3'], null],
    ]);
  });
});

describe('bulk import into the registry', () => {
  const folder = temporaryFolder('import');
  let hub: Hub;
  let url: string;
  let registrar: Client;

  const upload = (table: string, bytes: Buffer | string) =>
    registrar.call<ImportReport>('POST', `/api/registry/import/${table}`, bytes, {
      'content-type': 'text/csv',
    });

  beforeAll(async () => {
    ({ hub, url } = await startCommunityHub(folder.path));
    registrar = await client(url, admin);
    const grids = await upload('grids', 'id,name,workers\nnorth,北区网格,wang.grid;zhao.grid\n');
    expect(grids.body.imported).toBe(1);
    const places = await upload(
      'places',
      [
        'id,类型,名称,上级,网格',
        'xincun,小区,新村,,',
        'b3,楼栋,3栋,xincun,north',
        'b3-u1,单元,1单元,b3,',
        'b3-u1-301,房间,301,b3-u1,',
        'b3-u1-302,房间,302,b3-u1,',
      ].join('\r\n'),
    );
    expect(places.body.problems).toEqual([]);
    const households = await upload('households', '户号,房号\nh-301,b3-u1-301\nh-302,b3-u1-302\n');
    expect(households.body.imported).toBe(2);
  });

  afterAll(async () => {
    await hub.stop();
    folder.remove();
  });

  it('imports good rows of an Excel CSV (BOM, Chinese headers) and names each bad row', async () => {
    const sheet = [
      '居民编号,户号,姓名,性别,出生年份,独居,照护等级,电话,人脸授权,照片授权',
      'r-301,h-301,赵秀英,女,1941,是,协助,13900000001,是,否',
      'r-302,h-302,孙建国,男,19x0,否,自理,,否,否',
      'r-303,h-302,孙小梅,女,1945,也许,自理,,否,否',
      'r-304,h-999,钱多,男,1950,否,自理,,否,否',
      'r-305,h-301,,女,1950,否,自理,,否,否',
      'r-306,h-301,李兰,女,1939,是,失能,,是,是',
    ].join('\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sheet)]);
    const { status, body } = await upload('residents', bytes);
    expect(status).toBe(200);
    expect(body.encoding).toBe('utf-8');
    expect(body.rows).toBe(6);
    expect(body.imported, 'the good rows are imported').toBe(2);
    expect(
      body.problems.map((p) => [p.line, p.column, p.field]),
      'each bad row names its line and column',
    ).toEqual([
      [3, 5, '出生年份'],
      [4, 6, '独居'],
      [5, null, null],
      [6, 3, '姓名'],
    ]);
    expect(body.problems[0]!.message).toMatch(/19x0/);
    expect(body.problems[2]!.message).toMatch(/household h-999/);

    const zhao = await hub.registry.getResident('r-301');
    expect(zhao, 'a row with Chinese values is understood').toMatchObject({
      name: '赵秀英',
      gender: 'female',
      birthYear: 1941,
      livesAlone: true,
      careLevel: 'assisted',
      consent: { face: true, photo: false, notifyContacts: true },
    });
    expect((await hub.registry.getResident('r-306'))!.careLevel).toBe('full_care');
    expect(await hub.registry.getResident('r-302'), 'a bad row is not imported').toBeUndefined();
  });

  it('reads a GBK file from an older Excel', async () => {
    const { body } = await upload(
      'residents',
      encodeGbk('id,household,姓名,性别,独居\nr-310,h-302,王芳,女,否\n'),
    );
    expect(body.encoding).toBe('gb18030');
    expect(body.problems).toEqual([]);
    expect((await hub.registry.getResident('r-310'))!.name).toBe('王芳');
  });

  it('binds bands and links contacts, checking references row by row', async () => {
    const bindings = await upload(
      'device-bindings',
      'device_kind,device_id,resident_id,place_id\nband,band-301,r-301,\ngate,gate-b3,,b3\nband,band-x,r-404,\n',
    );
    expect(bindings.body.imported).toBe(2);
    expect(bindings.body.problems[0]).toMatchObject({ line: 4, message: /resident r-404/ });
    const contacts = await upload(
      'contacts',
      '编号,居民编号,类别,姓名,关系,电话,通知方式,通知\nc1,r-301,家属,赵强,儿子,13900000002,短信;推送,全部\nc2,r-301,医生,周医生,签约医生,13900000003,短信,紧急\nc3,r-301,亲戚,钱七,侄子,,短信,全部\n',
    );
    expect(contacts.body.imported).toBe(2);
    expect(contacts.body.problems[0]).toMatchObject({ line: 4, column: 3, field: '类别' });
    const saved = await hub.registry.contactsOf('r-301');
    expect(saved.map((c) => [c.kind, c.channels, c.notify])).toEqual([
      ['doctor', ['webhook'], 'critical'],
      ['family', ['webhook', 'webpush'], 'all'],
    ]);
    const placement = await hub.registry.placementOf({ kind: 'band', id: 'band-301' });
    expect(placement.gridId, 'an imported band routes to its grid').toBe('north');
  });

  it('audits each import with its counts', async () => {
    const trail = await hub.store.auditTrail('registry:residents');
    expect(trail[0]).toMatchObject({
      actor: admin.username,
      action: 'registry_imported',
      detail: { rows: 6, imported: 2, problems: 4, encoding: 'utf-8' },
    });
  });
});
