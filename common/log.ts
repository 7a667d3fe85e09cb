// Structured logs for every process. Secrets are redacted by key wherever they
// appear, so a config or a request dumped by mistake still shows none.
import pino, { type Logger } from 'pino';

export type { Logger };

const secretKeys = [
  'password',
  'passwordHash',
  'token',
  'tokenHash',
  'secret',
  'authorization',
  'cookie',
  'embedding',
];

export const redactPaths = secretKeys.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `req.headers.${key}`,
]);

export function createLogger(name: string, level = process.env.HAVEN_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

/** A logger that writes nothing, for tests that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
