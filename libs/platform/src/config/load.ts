import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** The optional config file: JSON `{ "KEY": "value" }` or `KEY=value` lines; the environment wins. */
export const CONFIG_FILE_KEY = 'TALKREC_CONFIG_FILE';

function readConfigFile(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function isSecret(schema: z.ZodType | undefined): boolean {
  return schema?.description === 'secret';
}

/**
 * Parses the service's config once: config file (if `TALKREC_CONFIG_FILE` is set), then the environment,
 * then `<KEY>_FILE` for any key (Docker/Kubernetes secrets). Throws one ConfigError naming every bad key;
 * secret values are never echoed.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  source: EnvSource = process.env,
): Readonly<z.output<z.ZodObject<S>>> {
  const problems: string[] = [];
  let merged: Record<string, string | undefined> = {};
  const file = source[CONFIG_FILE_KEY];
  if (file) {
    try {
      merged = readConfigFile(file);
    } catch (err) {
      problems.push(`${CONFIG_FILE_KEY}: cannot read ${file} (${(err as Error).message})`);
    }
  }
  merged = { ...merged, ...source };

  const values: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const fileRef = merged[`${key}_FILE`];
    if (fileRef) {
      try {
        values[key] = readFileSync(fileRef, 'utf8').trim();
      } catch (err) {
        problems.push(`${key}_FILE: cannot read ${fileRef} (${(err as Error).message})`);
      }
    } else {
      const v = merged[key];
      values[key] = v === '' ? undefined : v;
    }
  }

  const result = z.object(shape).safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '(root)');
      const raw = values[key];
      const shown =
        raw === undefined ? 'missing' : isSecret(shape[key] as z.ZodType) ? 'got ***' : `got '${raw}'`;
      const sub = issue.path.length > 1 ? `.${issue.path.slice(1).join('.')}` : '';
      problems.push(`${key}${sub}: ${issue.message} (${shown})`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(result.data!);
}

/** Names of the keys whose schema is marked secret, for log redaction and leak tests. */
export function secretKeys(shape: z.ZodRawShape): string[] {
  return Object.entries(shape)
    .filter(([, s]) => isSecret(s as z.ZodType))
    .map(([k]) => k);
}
