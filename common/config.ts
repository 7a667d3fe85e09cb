// Config files (YAML or JSON) are validated before anything starts. A wrong key
// or value is reported with its path. "${NAME}" in a string is replaced with the
// environment variable NAME, so that secrets need not live in the file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import '../common/contracts/validator.ts';

export class ConfigError extends Error {
  readonly code = 'HAVEN_CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`config ${file} is invalid:\n  ${problems.join('\n  ')}`);
  }
}

function substituteEnvironment(
  value: unknown,
  path: string,
  problems: string[],
  fromEnvironment = new Set<string>(),
): unknown {
  if (typeof value === 'string') {
    if (/\$\{[A-Z0-9_]+\}/.test(value)) fromEnvironment.add(path);
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_whole, name: string) => {
      const found = process.env[name];
      if (found === undefined) problems.push(`${path}: environment variable ${name} is not set`);
      return found ?? '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      substituteEnvironment(item, `${path}/${index}`, problems, fromEnvironment),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteEnvironment(item, `${path}/${key}`, problems, fromEnvironment),
      ]),
    );
  }
  return value;
}

/** Keys whose values are secrets: a config error names them but never shows them. */
const secretKey = /(password|token|secret|hash|key)$/i;

/**
 * The value to print beside a problem: never one under a secret-sounding key,
 * one that came from the environment, or one under a key the schema does not
 * know (a misspelt "tokn" is still a token).
 */
function shown(path: string, value: unknown, fromEnvironment: Set<string>): string {
  const key = path.split('/').pop() ?? '';
  const hidden =
    secretKey.test(key) ||
    [...fromEnvironment].some(
      (secretPath) => secretPath.startsWith(path) || path.startsWith(secretPath),
    );
  return hidden ? '(value hidden)' : `(got ${JSON.stringify(value)?.slice(0, 80)})`;
}

/** A check across entries that a schema cannot say: duplicates, references. */
export type ConfigCheck<T> = (config: T) => string[];

/** Problems for every value that appears twice in `values`, named by path. */
export function duplicates(
  values: readonly string[],
  path: (index: number) => string,
  what: string,
): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else problems.push(`${path(index)}: the same ${what} as ${path(first)}`);
  });
  return problems;
}

export function parseConfig<S extends TSchema>(
  schema: S,
  raw: unknown,
  file: string,
  check?: ConfigCheck<Static<S>>,
): Static<S> {
  const problems: string[] = [];
  const fromEnvironment = new Set<string>();
  const substituted = substituteEnvironment(raw, '', problems, fromEnvironment);
  if (problems.length > 0) throw new ConfigError(file, problems);

  const withDefaults = Value.Default(schema, Value.Clone(substituted));
  const compiled = TypeCompiler.Compile(schema);
  if (!compiled.Check(withDefaults)) {
    for (const error of compiled.Errors(withDefaults)) {
      const unknownKey = error.message === 'Unexpected property';
      const value = unknownKey ? '' : ` ${shown(error.path, error.value, fromEnvironment)}`;
      problems.push(`${error.path || '/'}: ${error.message}${value}`);
      if (problems.length >= 10) break;
    }
    throw new ConfigError(file, problems);
  }
  const crossProblems = check?.(withDefaults) ?? [];
  if (crossProblems.length > 0) throw new ConfigError(file, crossProblems);
  return withDefaults;
}

export function loadConfig<S extends TSchema>(
  schema: S,
  file: string,
  check?: ConfigCheck<Static<S>>,
): Static<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(file, [
      // Only the first line: YAML's message goes on to quote the file, secrets and all.
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${
        (error as Error).message.split('\n')[0]
      }`,
    ]);
  }
  return parseConfig(schema, raw, file, check);
}
