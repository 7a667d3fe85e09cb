// Compiled validators for the contracts: one place that turns a schema into a
// check that names the first wrong field by its path.
import { FormatRegistry, type TSchema, type Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => isoDateTime.test(value) && !isNaN(Date.parse(value)));
}

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
