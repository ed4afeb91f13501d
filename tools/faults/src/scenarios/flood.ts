import {
  CaptureFinished,
  FINAL_STATES,
  RecordingRequested,
  RecordingTransitioned,
  decode,
  parseEventSubject,
  streams,
  subjects,
} from '@talkrec/contracts';
import type { SignalingClient, TalkrecChain } from '@talkrec/testing';
import { connect } from 'nats';
import type { Scenario } from '../scenario.js';

const ROOMS = 200;

/** Recording id per room token, from the `recording.requested` events seen so far. */
function requestedRooms(chain: TalkrecChain, tokens: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of chain.tap.messages) {
    if (parseEventSubject(m.subject)?.name !== RecordingRequested.name) continue;
    const d = decode(RecordingRequested, m.data);
    if (d.ok && tokens.has(d.value.spec.room.token)) out.set(d.value.spec.room.token, d.value.recordingId);
  }
  return out;
}

/**
 * The most captures that were running at the same time: a capture runs from its first heartbeat (it
 * beats from the moment it holds the job, media or not) to its `capture.finished`.
 */
function peakConcurrentCaptures(chain: TalkrecChain, ids: Set<string>): number {
  const heartbeatOf = new Map([...ids].map((id) => [subjects.captureHeartbeat(id), id]));
  let peak = 0;
  const open = new Set<string>();
  for (const m of chain.tap.messages) {
    const beating = heartbeatOf.get(m.subject);
    if (beating !== undefined) {
      open.add(beating);
      peak = Math.max(peak, open.size);
      continue;
    }
    const p = parseEventSubject(m.subject);
    if (p && p.name === CaptureFinished.name) open.delete(p.recordingId);
  }
  return peak;
}

/**
 * 200 calls start at once in 200 rooms. Every one must get its recording and its capture job in the
 * durable work queue (none dropped, however few capture slots there are); the calls then end, and the
 * captures work the queue off as slots free: each recording reaches a final state with a reason.
 */
export const callFlood: Scenario = {
  name: 'flood of 200 call starts',
  async run({ chain, room, say }) {
    const tokens = Array.from({ length: ROOMS }, () => room());
    const clients: SignalingClient[] = [];
    const problems: string[] = [];
    try {
      for (const [i, token] of tokens.entries()) {
        const user = `flood${i}`;
        chain.nextcloud.directory.addRoom(token, [user]);
        clients.push(await chain.hpb.connectUser(user, token));
      }
      await Promise.all(tokens.map((t, i) => chain.nextcloud.hpb.joinCall(t, `flood${i}`)));
      const wanted = new Set(tokens);
      await chain.tap
        .waitFor(() => requestedRooms(chain, wanted).size === ROOMS, 120_000)
        .catch(() => undefined);
      const ids = new Set(requestedRooms(chain, wanted).values());
      const neverRequested = ROOMS - ids.size;
      if (neverRequested > 0) problems.push(`${neverRequested} calls got no recording`);
      const nc = await connect({ servers: chain.natsUrl, name: 'talkrec-faults' });
      const queued = (await (await nc.jetstreamManager()).streams.info(streams.captureJobs.name)).state
        .messages;
      await nc.close();
      say(`flood: ${ids.size} recordings requested, ${queued} capture jobs in the work queue`);
      if (queued < ROOMS - 8) problems.push(`only ${queued} capture jobs queued for ${ROOMS} calls`);

      await Promise.all(tokens.map((t, i) => chain.nextcloud.hpb.leaveCall(t, `flood${i}`)));
      const finalOf = new Map<string, string>();
      await chain.tap
        .waitFor((m) => {
          const p = parseEventSubject(m.subject);
          if (!p || !ids.has(p.recordingId) || p.name !== RecordingTransitioned.name) return false;
          const d = decode(RecordingTransitioned, m.data);
          if (d.ok && FINAL_STATES.includes(d.value.to)) {
            finalOf.set(
              p.recordingId,
              d.value.to === 'failed' ? (d.value.failure?.code ?? 'failed') : 'done',
            );
          }
          return finalOf.size === ids.size;
        }, 900_000)
        .catch(() => undefined);
      const counts = new Map<string, number>();
      for (const fate of finalOf.values()) counts.set(fate, (counts.get(fate) ?? 0) + 1);
      const stuck = ids.size - finalOf.size;
      const peak = peakConcurrentCaptures(chain, ids);
      const slots = chain.services.capture.length * 2;
      if (peak > slots) problems.push(`${peak} captures ran at once on ${slots} slots`);
      return {
        fates: [
          ...[...ids].map((id) => ({
            recordingId: id,
            // Ended calls whose capture never stored media fail as `nothing_captured`: accounted for, not lost.
            delivered: finalOf.has(id),
            capturedS: 0,
            detail: finalOf.get(id) ?? 'no final state',
          })),
          ...Array.from({ length: neverRequested }, () => ({
            recordingId: '',
            delivered: false,
            capturedS: 0,
            detail: 'never requested',
          })),
        ],
        problems,
        detail: `${ids.size} requested, ${queued} queued, peak ${peak} captures on ${slots} slots; final: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}${stuck ? `, ${stuck} stuck` : ''}`,
      };
    } finally {
      for (const c of clients) await c.close().catch(() => undefined);
    }
  },
};
