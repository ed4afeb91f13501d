/**
 * Resolves once a log record matches. The uploader's log has no event to subscribe to from a test,
 * so this looks at the captured records every 20 ms, within `timeoutMs`.
 */
export async function waitForLog(
  logs: ReadonlyArray<Record<string, unknown>>,
  match: (record: Record<string, unknown>) => boolean,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = logs.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching log record within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
