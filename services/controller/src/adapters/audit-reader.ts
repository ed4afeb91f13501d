import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { contractForEventSubject, decode, parseEventSubject, streams, subjects } from '@talkrec/contracts';
import type { StoredEvent } from '../core/audit.js';

const BATCH = 500;
const FETCH_EXPIRES_MS = 1_000;

/** Reads the events stream (the audit log) from a point in time, decoded with the contracts. */
export class AuditReader {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Events stored at or after `sinceMs`, at most `limit`; `truncated` when more were left. */
  async since(sinceMs: number, limit: number): Promise<{ events: StoredEvent[]; truncated: boolean }> {
    const events: StoredEvent[] = [];
    const state = (await this.jsm.streams.info(streams.events.name)).state;
    if (state.messages === 0 || Date.parse(state.last_ts) < sinceMs) return { events, truncated: false };
    const consumer = await this.js.consumers.get(streams.events.name, {
      filterSubjects: subjects.allEvents,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(sinceMs).toISOString(),
    });
    try {
      for (;;) {
        let last = true;
        let seen = 0;
        for await (const m of await consumer.fetch({ max_messages: BATCH, expires: FETCH_EXPIRES_MS })) {
          seen++;
          last = m.info.pending === 0;
          const parsed = parseEventSubject(m.subject);
          const contract = contractForEventSubject(m.subject);
          const d = contract ? decode(contract, m.data) : undefined;
          if (parsed && contract && d?.ok) {
            events.push({
              seq: m.seq,
              time: new Date(Math.floor(m.info.timestampNanos / 1e6)).toISOString(),
              name: parsed.name,
              recordingId: parsed.recordingId,
              contract,
              payload: d.value,
            });
          }
          if (events.length >= limit) return { events, truncated: !last };
          if (last) break;
        }
        if (last || seen === 0) return { events, truncated: false };
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }
}
