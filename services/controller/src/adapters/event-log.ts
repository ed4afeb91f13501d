import type { JetStreamClient } from 'nats';
import {
  RecordingRequested,
  SegmentCaptured,
  SegmentEncoded,
  decode,
  streams,
  subjects,
  type PayloadOf,
} from '@talkrec/contracts';

export interface SegmentLog {
  captured: Map<number, PayloadOf<typeof SegmentCaptured>>;
  encoded: Map<number, PayloadOf<typeof SegmentEncoded>>;
}

const FETCH_EXPIRES_MS = 1_000;

/**
 * Reads a recording's segment events back from the events stream (the audit log), so the recording's KV
 * entry does not have to carry every segment of a long call.
 */
export class EventLog {
  constructor(private readonly js: JetStreamClient) {}

  /** Whether the recording's `recording.requested` is in the log (a start finished after a crash). */
  async hasRequested(recordingId: string): Promise<boolean> {
    const stream = await this.js.streams.get(streams.events.name);
    try {
      await stream.getMessage({ last_by_subj: subjects.event(RecordingRequested, recordingId) });
      return true;
    } catch (err) {
      if (/no message found/i.test((err as Error).message)) return false;
      throw err;
    }
  }

  async segments(recordingId: string): Promise<SegmentLog> {
    const log: SegmentLog = { captured: new Map(), encoded: new Map() };
    const capturedSubject = subjects.event(SegmentCaptured, recordingId);
    const encodedSubject = subjects.event(SegmentEncoded, recordingId);
    // One wildcard filter: nats-server 2.9 (Debian bookworm) has no multi-filter consumers.
    const consumer = await this.js.consumers.get(streams.events.name, {
      filterSubjects: subjects.eventsOf(recordingId),
    });
    for (;;) {
      const m = await consumer.next({ expires: FETCH_EXPIRES_MS });
      if (!m) break;
      if (m.subject === capturedSubject) {
        const d = decode(SegmentCaptured, m.data);
        if (d.ok) log.captured.set(d.value.index, d.value);
      } else if (m.subject === encodedSubject) {
        const d = decode(SegmentEncoded, m.data);
        if (d.ok) log.encoded.set(d.value.index, d.value);
      }
      if (m.info.pending === 0) break;
    }
    await consumer.delete().catch(() => undefined);
    return log;
  }
}
