import { z } from 'zod';

/**
 * Builders for config keys read from the environment (strings). Each key is validated for type and
 * range; defaults, minimums and maximums are visible where the key is declared.
 */
const str = z.string().trim();

export const env = {
  string: (def?: string) => (def === undefined ? str.min(1) : str.min(1).default(def)),
  optionalString: () => str.min(1).optional(),
  /** A secret: never printed in config errors or logs. */
  secret: (minLength = 1) => str.min(minLength).describe('secret'),
  optionalSecret: () => str.min(1).optional().describe('secret'),
  int: (opts: { default?: number; min?: number; max?: number } = {}) => {
    let n = z.coerce.number().int();
    if (opts.min !== undefined) n = n.min(opts.min);
    if (opts.max !== undefined) n = n.max(opts.max);
    return opts.default === undefined ? n : n.default(opts.default);
  },
  number: (opts: { default?: number; min?: number; max?: number } = {}) => {
    let n = z.coerce.number();
    if (opts.min !== undefined) n = n.min(opts.min);
    if (opts.max !== undefined) n = n.max(opts.max);
    return opts.default === undefined ? n : n.default(opts.default);
  },
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
      .default(def ? 'true' : 'false')
      .transform((v) => ['true', '1', 'yes', 'on'].includes(v)),
  url: (protocols: string[], def?: string) => {
    const u = str.refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `expected a ${protocols.join('/')} URL`,
    );
    return def === undefined ? u : u.default(def);
  },
  optionalUrl: (protocols: string[]) =>
    str
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `expected a ${protocols.join('/')} URL`,
      )
      .optional(),
  /** Comma-separated list; empty entries dropped. */
  list: (def: string[] = []) =>
    z
      .string()
      .default(def.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  enum: <T extends readonly [string, ...string[]]>(values: T, def?: T[number]) =>
    def === undefined ? z.enum(values) : z.enum(values).default(def as never),
  /** A JSON value (for structured keys such as backend lists). */
  json: <S extends z.ZodType>(schema: S) =>
    z
      .string()
      .transform((v, ctx) => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
          return z.NEVER;
        }
      })
      .pipe(schema),
  /** host:port or port; host defaults to 127.0.0.1 (loopback unless the admin says otherwise). */
  listen: (def: string) =>
    str.default(def).transform((v, ctx) => {
      const m = /^(?:(.*):)?(\d{1,5})$/.exec(v);
      const port = m ? Number(m[2]) : NaN;
      if (!m || port > 65535) {
        ctx.addIssue({ code: 'custom', message: 'expected [host:]port' });
        return z.NEVER;
      }
      return { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
    }),
};

export type Listen = { host: string; port: number };
