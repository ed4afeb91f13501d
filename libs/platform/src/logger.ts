import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Field paths that may hold secrets anywhere in a log record; pino replaces their values. */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  'credential',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.credential',
  '*.*.password',
  '*.*.secret',
  '*.*.token',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'config.*PASSWORD',
  'config.*SECRET*',
  'config.*TOKEN',
];

export interface LoggerSettings {
  service: string;
  instanceId: string;
  level: string;
  /** Extra paths to redact (e.g. a service's own secret fields). */
  redact?: string[];
  /** Where to write; stdout by default. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

/** One JSON line per record: `msg` is a short lowercase phrase, data goes in fields. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, instance: settings.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS, ...(settings.redact ?? [])], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
