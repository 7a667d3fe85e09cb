// Bulk import of the registry from a spreadsheet export. Each table has its
// columns (English or the Chinese headers the community office uses), a
// converter per cell and the registry schema for the whole row. A bad row is
// reported with its line and column and skipped; good rows are saved.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { decodeSpreadsheetText, parseCsv } from './csv.ts';
import {
  Contact,
  DeviceBinding,
  Grid,
  Household,
  NewResident,
  Place,
  type Resident,
} from './schemas.ts';
import type { RegistryStore } from './store.ts';

export const importTables = [
  'places',
  'grids',
  'households',
  'residents',
  'contacts',
  'device-bindings',
] as const;
export type ImportTable = (typeof importTables)[number];

export interface RowProblem {
  line: number;
  /** 1-based column, or null when the problem is with the row as a whole. */
  column: number | null;
  field: string | null;
  message: string;
}

export interface ImportReport {
  table: ImportTable;
  encoding: string;
  rows: number;
  imported: number;
  problems: RowProblem[];
}

class CellError extends Error {}

interface Column {
  /** Property of the row object; a dotted key nests (consent.face). */
  key: string;
  headers: string[];
  convert: (raw: string) => unknown;
}

interface TableSpec {
  columns: Column[];
  schema: TSchema;
  /** Saves a valid row, or returns why it cannot be saved (a missing reference). */
  save(registry: RegistryStore, row: Record<string, unknown>): Promise<string | undefined>;
}

const text = (raw: string): string => raw.trim();
const optionalText = (raw: string): string | null => (raw.trim() === '' ? null : raw.trim());

function integer(raw: string): number | null {
  const trimmed = raw.trim().replace(/年$/, '');
  if (trimmed === '') return null;
  if (!/^-?\d+$/.test(trimmed)) throw new CellError(`"${raw}" is not a whole number`);
  return Number(trimmed);
}

const truths = new Set(['1', 'true', 'yes', 'y', '是', '有', '同意', '√']);
const falsehoods = new Set(['0', 'false', 'no', 'n', '否', '无', '不同意', '']);
function yesNo(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (truths.has(value)) return true;
  if (falsehoods.has(value)) return false;
  throw new CellError(`"${raw}" is not yes/no (是/否, 1/0)`);
}

function oneOf(words: Record<string, string>, blank?: string) {
  return (raw: string): string | undefined => {
    const value = raw.trim().toLowerCase();
    if (value === '') return blank;
    const found = words[value];
    if (found === undefined) {
      const allowed = [...new Set(Object.values(words))].join(', ');
      throw new CellError(`"${raw}" is not one of ${allowed}`);
    }
    return found;
  };
}

function list(convert: (raw: string) => string | undefined) {
  return (raw: string): string[] =>
    raw
      .split(/[;；、|]/)
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => convert(part)!);
}

const genders = {
  male: 'male',
  m: 'male',
  男: 'male',
  female: 'female',
  f: 'female',
  女: 'female',
};
const careLevels = {
  independent: 'independent',
  自理: 'independent',
  watch: 'watch',
  关注: 'watch',
  assisted: 'assisted',
  协助: 'assisted',
  半失能: 'assisted',
  full_care: 'full_care',
  失能: 'full_care',
  全护理: 'full_care',
};
const placeKinds = {
  area: 'area',
  区域: 'area',
  小区: 'area',
  building: 'building',
  楼栋: 'building',
  楼: 'building',
  unit: 'unit',
  单元: 'unit',
  room: 'room',
  房间: 'room',
  户: 'room',
};
const contactKinds = {
  family: 'family',
  家属: 'family',
  doctor: 'doctor',
  医生: 'doctor',
  社区医生: 'doctor',
  neighbour: 'neighbour',
  邻居: 'neighbour',
  building_head: 'building_head',
  楼栋长: 'building_head',
};
const channels = {
  dashboard: 'dashboard',
  webpush: 'webpush',
  推送: 'webpush',
  webhook: 'webhook',
  sms: 'webhook',
  短信: 'webhook',
  电话: 'webhook',
};
const notifyLevels = {
  all: 'all',
  全部: 'all',
  critical: 'critical',
  紧急: 'critical',
  none: 'none',
  不通知: 'none',
};

const specs: Record<ImportTable, TableSpec> = {
  places: {
    columns: [
      { key: 'id', headers: ['id', '编号'], convert: text },
      { key: 'kind', headers: ['kind', '类型'], convert: oneOf(placeKinds) },
      { key: 'name', headers: ['name', '名称'], convert: text },
      { key: 'parentId', headers: ['parent_id', 'parent', '上级'], convert: optionalText },
      { key: 'gridId', headers: ['grid_id', 'grid', '网格'], convert: optionalText },
    ],
    schema: Place,
    async save(registry, row) {
      const place = row as Place;
      if (place.parentId !== null && !(await registry.getPlace(place.parentId))) {
        return `parent place ${place.parentId} is not registered (list parents first)`;
      }
      if (place.gridId !== null && !(await registry.getGrid(place.gridId))) {
        return `grid ${place.gridId} is not registered`;
      }
      await registry.upsertPlace(place);
      return undefined;
    },
  },
  grids: {
    columns: [
      { key: 'id', headers: ['id', '编号'], convert: text },
      { key: 'name', headers: ['name', '名称', '网格名称'], convert: text },
      { key: 'workers', headers: ['workers', '网格员'], convert: list((part) => part) },
    ],
    schema: Grid,
    async save(registry, row) {
      await registry.upsertGrid(row as Grid);
      return undefined;
    },
  },
  households: {
    columns: [
      { key: 'id', headers: ['id', '户号', '编号'], convert: text },
      { key: 'placeId', headers: ['place_id', 'room', '房间', '房号'], convert: text },
      { key: 'name', headers: ['name', '户名'], convert: optionalText },
      { key: 'phone', headers: ['phone', '电话'], convert: optionalText },
    ],
    schema: Household,
    async save(registry, row) {
      const household = row as Household;
      if (!(await registry.getPlace(household.placeId))) {
        return `place ${household.placeId} is not registered`;
      }
      await registry.upsertHousehold(household);
      return undefined;
    },
  },
  residents: {
    columns: [
      { key: 'id', headers: ['id', '编号', '居民编号'], convert: optionalText },
      { key: 'householdId', headers: ['household_id', 'household', '户号'], convert: optionalText },
      { key: 'name', headers: ['name', '姓名'], convert: text },
      { key: 'gender', headers: ['gender', '性别'], convert: oneOf(genders, 'unspecified') },
      { key: 'birthYear', headers: ['birth_year', '出生年份', '出生年'], convert: integer },
      { key: 'livesAlone', headers: ['lives_alone', '独居'], convert: yesNo },
      { key: 'careLevel', headers: ['care_level', '照护等级'], convert: oneOf(careLevels) },
      { key: 'phone', headers: ['phone', '电话', '手机'], convert: optionalText },
      { key: 'consent.face', headers: ['consent_face', '人脸授权'], convert: yesNo },
      { key: 'consent.photo', headers: ['consent_photo', '照片授权'], convert: yesNo },
      {
        key: 'consent.notifyContacts',
        headers: ['notify_contacts', '通知联系人'],
        convert: (raw) => (raw.trim() === '' ? true : yesNo(raw)),
      },
    ],
    schema: NewResident,
    async save(registry, row) {
      const resident = row as NewResident;
      if (resident.householdId !== null && !(await registry.getHousehold(resident.householdId))) {
        return `household ${resident.householdId} is not registered`;
      }
      const existing = resident.id ? await registry.getResident(resident.id) : undefined;
      if (!existing) {
        await registry.createResident(resident);
        return undefined;
      }
      if (resident.consent && !sameConsent(existing, resident.consent)) {
        return `resident ${existing.id} exists; consent changes go through the consent form`;
      }
      const { householdId, name, gender, birthYear, livesAlone, careLevel, phone } = resident;
      await registry.updateResident(existing.id, {
        householdId,
        name,
        birthYear,
        livesAlone,
        phone,
        ...(gender && { gender }),
        ...(careLevel && { careLevel }),
      });
      return undefined;
    },
  },
  contacts: {
    columns: [
      { key: 'id', headers: ['id', '编号'], convert: text },
      { key: 'residentId', headers: ['resident_id', 'resident', '居民编号'], convert: text },
      { key: 'kind', headers: ['kind', '类别'], convert: oneOf(contactKinds) },
      { key: 'name', headers: ['name', '姓名'], convert: text },
      { key: 'relation', headers: ['relation', '关系'], convert: text },
      { key: 'phone', headers: ['phone', '电话', '手机'], convert: optionalText },
      { key: 'username', headers: ['username', '账号'], convert: optionalText },
      { key: 'channels', headers: ['channels', '通知方式'], convert: list(oneOf(channels)) },
      { key: 'notify', headers: ['notify', '通知'], convert: oneOf(notifyLevels, 'critical') },
    ],
    schema: Contact,
    async save(registry, row) {
      const contact = row as Contact;
      if (!(await registry.getResident(contact.residentId))) {
        return `resident ${contact.residentId} is not registered`;
      }
      await registry.upsertContact(contact);
      return undefined;
    },
  },
  'device-bindings': {
    columns: [
      { key: 'deviceKind', headers: ['device_kind', 'kind', '设备类型'], convert: text },
      { key: 'deviceId', headers: ['device_id', 'device', '设备编号'], convert: text },
      {
        key: 'residentId',
        headers: ['resident_id', 'resident', '居民编号'],
        convert: optionalText,
      },
      { key: 'placeId', headers: ['place_id', 'place', '位置'], convert: optionalText },
    ],
    schema: DeviceBinding,
    async save(registry, row) {
      const binding = row as DeviceBinding;
      if ((binding.residentId === null) === (binding.placeId === null)) {
        return 'a device is bound to exactly one of a resident or a place';
      }
      if (binding.residentId !== null && !(await registry.getResident(binding.residentId))) {
        return `resident ${binding.residentId} is not registered`;
      }
      if (binding.placeId !== null && !(await registry.getPlace(binding.placeId))) {
        return `place ${binding.placeId} is not registered`;
      }
      await registry.bindDevice(binding);
      return undefined;
    },
  },
};

function sameConsent(existing: Resident, consent: NonNullable<NewResident['consent']>): boolean {
  return (
    existing.consent.face === consent.face &&
    existing.consent.photo === consent.photo &&
    existing.consent.notifyContacts === consent.notifyContacts
  );
}

function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const [head, tail] = key.split('.', 2) as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  inner[tail] = value;
}

const checkers = new Map(
  Object.entries(specs).map(([table, spec]) => [table, TypeCompiler.Compile(spec.schema)]),
);

export async function importRegistryTable(
  registry: RegistryStore,
  table: ImportTable,
  bytes: Uint8Array,
): Promise<ImportReport> {
  const spec = specs[table];
  const { text: decoded, encoding } = decodeSpreadsheetText(bytes);
  const [header, ...records] = parseCsv(decoded);
  const report: ImportReport = { table, encoding, rows: records.length, imported: 0, problems: [] };
  if (!header || header.error) {
    report.problems.push({
      line: 1,
      column: null,
      field: null,
      message: header?.error ?? 'the file is empty; the first line must name the columns',
    });
    return report;
  }

  /** column index in the file → the spec column it fills */
  const columnAt = new Map<number, Column>();
  header.fields.forEach((name, index) => {
    const wanted = normaliseHeader(name);
    const column = spec.columns.find((c) => c.headers.some((h) => normaliseHeader(h) === wanted));
    if (column) columnAt.set(index, column);
  });
  const indexOf = (key: string): number | null => {
    for (const [index, column] of columnAt) if (column.key === key) return index;
    return null;
  };

  for (const record of records) {
    if (record.error) {
      report.problems.push({ line: record.line, column: null, field: null, message: record.error });
      continue;
    }
    const problem = await importRow(registry, spec, table, record, columnAt, indexOf, header);
    if (problem) report.problems.push(problem);
    else report.imported++;
  }
  return report;
}

async function importRow(
  registry: RegistryStore,
  spec: TableSpec,
  table: ImportTable,
  record: { line: number; fields: string[] },
  columnAt: Map<number, Column>,
  indexOf: (key: string) => number | null,
  header: { fields: string[] },
): Promise<RowProblem | undefined> {
  const row: Record<string, unknown> = {};
  for (const [index, column] of columnAt) {
    const raw = record.fields[index] ?? '';
    try {
      const value = column.convert(raw);
      if (value !== undefined) setPath(row, column.key, value);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      const field = header.fields[index]!.trim();
      return { line: record.line, column: index + 1, field, message: error.message };
    }
  }

  const withDefaults = Value.Default(spec.schema, row) as Record<string, unknown>;
  const checker = checkers.get(table)!;
  const first = checker.Errors(withDefaults).First();
  if (first) {
    const key = first.path.split('/').filter(Boolean).slice(0, 2).join('.');
    const index = indexOf(key) ?? indexOf(key.split('.')[0]!);
    return {
      line: record.line,
      column: index === null ? null : index + 1,
      field: index === null ? key || null : header.fields[index]!.trim(),
      message: `${index === null ? `${key || 'row'}: ` : ''}${first.message}${
        first.value === undefined ? '' : ` (got ${JSON.stringify(first.value)})`
      }`,
    };
  }

  const refused = await spec.save(registry, withDefaults);
  if (refused) return { line: record.line, column: null, field: null, message: refused };
  return undefined;
}
