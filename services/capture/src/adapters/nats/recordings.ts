import type { KV } from 'nats';
import { RecordingState, formatIssues } from '@talkrec/contracts';
import type { Logger } from '@talkrec/platform';

/** The controller's state of one recording; undefined when the entry is missing, deleted or unreadable. */
export async function readRecording(
  kv: KV,
  recordingId: string,
  log: Logger,
): Promise<RecordingState | undefined> {
  const entry = await kv.get(recordingId);
  if (!entry || entry.operation !== 'PUT') return undefined;
  return decodeState(entry.value, log);
}

function decodeState(value: Uint8Array, log: Logger): RecordingState | undefined {
  try {
    const decoded = RecordingState.safeParse(JSON.parse(new TextDecoder().decode(value)));
    if (decoded.success) return decoded.data;
    log.warn({ issues: formatIssues(decoded.error) }, 'recording state unreadable');
  } catch (err) {
    log.warn({ err }, 'recording state unreadable');
  }
  return undefined;
}

/** Calls `onChange` with every later update of the recording's entry (undefined once it is deleted). */
export async function watchRecording(
  kv: KV,
  recordingId: string,
  log: Logger,
  onChange: (state: RecordingState | undefined) => void,
): Promise<{ stop: () => void }> {
  const updates = await kv.watch({ key: recordingId });
  void (async () => {
    for await (const entry of updates) {
      onChange(entry.operation === 'PUT' ? decodeState(entry.value, log) : undefined);
    }
  })().catch((err: unknown) => log.warn({ err }, 'recording watch ended'));
  return { stop: () => updates.stop() };
}
