import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Keys whose values are secrets wherever they appear in a log record: `password`, `secret`, `token`,
 * `authorization`, `credential`, `cookie`, config keys ending in `_SECRET`/`_PASSWORD`/`_TOKEN`, and
 * camelCase names ending in `Password`/`Secret`/`Credential`. (`roomToken` stays readable: it is not one.)
 */
const SECRET_KEY =
  /(^|_)(password|pass|secret|token|credential|authorization|cookie)$|(Password|Secret|Credential)$/i;
const CAMEL_TOKEN = /[a-z]Token$/;
export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !CAMEL_TOKEN.test(key);
}

/** A copy with secret values replaced, at any depth (records are small; cycles are cut). */
export function redactSecrets(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, seen);
  return out;
}

export interface LoggerSettings {
  service: string;
  instanceId: string;
  level: string;
  /** Where to write; stdout by default. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

/** One JSON line per record: `msg` is a short lowercase phrase, data goes in fields; secrets redacted. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, instance: settings.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (record) => redactSecrets(record) as Record<string, unknown>,
      bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
    },
    serializers: { err: pino.stdSerializers.err },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
