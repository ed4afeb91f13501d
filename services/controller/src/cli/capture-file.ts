import { readFileSync } from 'node:fs';

/** One NATS message of a captured HPB session (the hpb-0.4.1 fixtures' format). */
export interface CapturedMessage {
  /** When it was seen (ms since epoch). */
  at: number;
  subject: string;
  payload: unknown;
}

/** The lines of a capture file that are NATS messages (`subject` + `payload`), in file order. */
export function readCapture(file: string): CapturedMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((line) => {
      let row: { t?: unknown; subject?: unknown; payload?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        return [];
      }
      if (typeof row.subject !== 'string' || !('payload' in row)) return [];
      const at = typeof row.t === 'string' ? Date.parse(row.t) : NaN;
      return [{ at: Number.isNaN(at) ? 0 : at, subject: row.subject, payload: row.payload }];
    });
}
