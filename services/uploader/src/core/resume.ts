/** What the server lists in an upload folder: chunk number → bytes, or 'unsupported' (no PROPFIND). */
export type ServerChunks = ReadonlyMap<number, number> | 'unsupported';

export interface Reconciled {
  /** The confirmed chunks the server still holds with the right size (a prefix of ours). */
  confirmed: number[];
  /** Chunks on the server past that prefix: stale or unconfirmed, to be removed before going on. */
  extra: number[];
}

/**
 * Matches our record of confirmed chunks with the server's listing: a chunk counts only when the
 * server holds it with the size we sent. Everything from the first gap on is sent again; without a
 * listing our record is trusted.
 */
export function reconcile(confirmed: readonly number[], server: ServerChunks): Reconciled {
  if (server === 'unsupported') return { confirmed: [...confirmed], extra: [] };
  let kept = 0;
  while (kept < confirmed.length && server.get(kept + 1) === confirmed[kept]) kept++;
  const extra = [...server.keys()].filter((n) => n > kept).sort((a, b) => a - b);
  return { confirmed: confirmed.slice(0, kept), extra };
}
