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

function substituteEnvironment(value: unknown, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_whole, name: string) => {
      const found = process.env[name];
      if (found === undefined) problems.push(`${path}: environment variable ${name} is not set`);
      return found ?? '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => substituteEnvironment(item, `${path}/${index}`, problems));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteEnvironment(item, `${path}/${key}`, problems),
      ]),
    );
  }
  return value;
}

export function parseConfig<S extends TSchema>(schema: S, raw: unknown, file: string): Static<S> {
  const problems: string[] = [];
  const substituted = substituteEnvironment(raw, '', problems);
  if (problems.length > 0) throw new ConfigError(file, problems);

  const withDefaults = Value.Default(schema, Value.Clone(substituted));
  const check = TypeCompiler.Compile(schema);
  if (!check.Check(withDefaults)) {
    for (const error of check.Errors(withDefaults)) {
      problems.push(`${error.path || '/'}: ${error.message} (got ${JSON.stringify(error.value)})`);
      if (problems.length >= 10) break;
    }
    throw new ConfigError(file, problems);
  }
  return withDefaults;
}

export function loadConfig<S extends TSchema>(schema: S, file: string): Static<S> {
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
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ]);
  }
  return parseConfig(schema, raw, file);
}
