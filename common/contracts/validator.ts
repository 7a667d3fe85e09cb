// Compiled validators for the contracts: one place that turns a schema into a
// check that names the first wrong field by its path.
import { FormatRegistry, type TSchema, type Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * A real instant: Date.parse alone accepts 30 February and 24:00, which the
 * hub's validator refuses; the edge and the hub must agree on what is valid.
 */
export function isIsoDateTime(value: string): boolean {
  const parts = isoDateTime.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth) return false;
  if (hour! > 23 || minute! > 59 || second! > 59) return false;
  if (parts[10] !== undefined && (Number(parts[10]) > 23 || Number(parts[11]) > 59)) return false;
  return true;
}

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isIsoDateTime);

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export class Validator<S extends TSchema> {
  readonly #check: TypeCheck<S>;

  constructor(schema: S) {
    this.#check = TypeCompiler.Compile(schema);
  }

  validate(value: unknown): ValidationResult<Static<S>> {
    if (this.#check.Check(value)) return { ok: true, value };
    return { ok: false, reason: this.describe(value) };
  }

  /** The first few problems, each as "path: message". */
  describe(value: unknown, limit = 3): string {
    const problems: string[] = [];
    for (const error of this.#check.Errors(value)) {
      problems.push(`${error.path || '/'}: ${error.message}`);
      if (problems.length >= limit) break;
    }
    return problems.join('; ');
  }
}
