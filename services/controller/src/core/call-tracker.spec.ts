import path from 'node:path';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../cli/capture-file.js';
import { CallTracker, CallView, type CallDecision } from './call-tracker.js';
import { decodeHpbMessage, hpbBackendMap, type HpbRoomEvent } from './hpb-decode.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../../libs/testing/fixtures/hpb-0.4.1');
const key = { backendId: 'nc', roomToken: 'room1' };
const inCall = (...sessions: string[]): HpbRoomEvent => ({ kind: 'in-call', key, sessions });
const brief = (ds: CallDecision[]) => ds.map((d) => (d.kind === 'call-ended' ? `ended:${d.reason}` : d.kind));

/** The fixture's messages through decoder and tracker, with the capture's own timing. */
function replay(file: string, graceMs: number) {
  const tracker = new CallTracker(graceMs);
  const backends = hpbBackendMap([{ id: 'nextcloud' }]);
  const out: string[] = [];
  let now = 0;
  const note = (ds: CallDecision[]) =>
    out.push(
      ...ds
        .filter((d) => d.kind !== 'participants-changed')
        .map((d) => `${d.kind}${d.kind === 'call-ended' ? `(${d.reason})` : ''} ${d.key.roomToken}`),
    );
  for (const m of readCapture(path.join(FIXTURES, file))) {
    if (!m.subject.startsWith('backend.room.')) continue;
    now = m.at;
    note(tracker.tick(now));
    const d = decodeHpbMessage(m.subject, new TextEncoder().encode(JSON.stringify(m.payload)), backends);
    if (d.ok) note(tracker.apply(d.event, now));
  }
  note(tracker.tick(now + graceMs + 1));
  return out;
}

describe('CallTracker', () => {
  it('starts a call at the first in-call session and ends it after the grace period', () => {
    const t = new CallTracker(15_000);
    expect(brief(t.apply(inCall('a'), 1_000))).toEqual(['call-started']);
    expect(brief(t.apply(inCall('a', 'b'), 2_000))).toEqual(['participants-changed']);
    expect(brief(t.apply(inCall(), 3_000))).toEqual([]);
    expect(t.nextDeadline()).toBe(18_000);
    expect(t.tick(17_999)).toEqual([]);
    expect(t.tick(18_000)).toEqual([{ kind: 'call-ended', key, at: 3_000, reason: 'everyone-left' }]);
    expect(t.size).toBe(0);
  });

  it('does not split a call when everyone reconnects within the grace period', () => {
    const t = new CallTracker(15_000);
    t.apply(inCall('a'), 0);
    t.apply(inCall(), 1_000);
    expect(brief(t.apply(inCall('a2'), 5_000))).toEqual(['participants-changed']);
    expect(t.tick(60_000)).toEqual([]);
    expect(t.get(key)).toMatchObject({ active: true, startedAt: 0, inCall: ['a2'] });
  });

  it('ends the call at once on "end call for everyone" and on room deletion', () => {
    const t = new CallTracker(15_000);
    t.apply(inCall('a', 'b'), 0);
    expect(brief(t.apply({ kind: 'ended-for-everyone', key }, 1_000))).toEqual(['ended:ended-for-everyone']);
    t.apply(inCall('a'), 2_000);
    expect(brief(t.apply({ kind: 'deleted', key }, 3_000))).toEqual(['ended:room-deleted']);
    expect(t.size).toBe(0);
  });

  it('applies partial participant changes when users is missing', () => {
    const t = new CallTracker(0);
    t.apply(inCall('a'), 0);
    const changes = [
      { sessionId: 'a', inCall: false },
      { sessionId: 'b', inCall: true },
    ];
    expect(brief(t.apply({ kind: 'in-call-changes', key, changes }, 1))).toEqual([]);
    expect(t.get(key)?.inCall).toEqual(['b']);
    expect(
      brief(t.apply({ kind: 'in-call-changes', key, changes: [{ sessionId: 'b', inCall: false }] }, 2)),
    ).toEqual(['ended:everyone-left']);
  });

  it('ignores messages that say nothing about the call', () => {
    const t = new CallTracker(0);
    expect(t.apply({ kind: 'ignored', key, type: 'switchto' }, 0)).toEqual([]);
    expect(t.apply({ kind: 'recording-status', key, status: 3 }, 0)).toEqual([]);
    expect(t.apply(inCall(), 0)).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('fires the safety net when the capture sees nobody for the grace period, and resets the call', () => {
    const t = new CallTracker(10_000);
    t.apply(inCall('a'), 0);
    t.recordingStarted(key, 'rec1');
    t.captureParticipants(key, 'rec1', 0, 5_000);
    t.captureParticipants(key, 'rec1', 0, 7_000);
    expect(t.nextDeadline()).toBe(15_000);
    expect(brief(t.tick(15_000))).toEqual(['safety-stop', 'ended:safety-net']);
    expect(brief(t.apply(inCall('a'), 16_000))).toEqual(['call-started']);
  });

  it('disarms the safety net when the capture sees people again or the recording stops', () => {
    const t = new CallTracker(10_000);
    t.captureParticipants(key, 'rec1', 0, 0);
    t.captureParticipants(key, 'rec1', 2, 1_000);
    expect(t.nextDeadline()).toBeUndefined();
    t.captureParticipants(key, 'rec1', 0, 2_000);
    t.recordingStopped(key, 'rec1');
    expect(t.tick(60_000)).toEqual([]);
  });

  it('keeps views as absolute-time JSON a new leader can load and continue from', () => {
    const t = new CallTracker(15_000);
    t.apply(inCall('a'), 0);
    t.apply(inCall(), 1_000);
    const stored = t.takeDirty().map((d) => CallView.parse(JSON.parse(JSON.stringify(d.view))));
    const next = new CallTracker(15_000);
    next.load(stored);
    expect(next.nextDeadline()).toBe(16_000);
    expect(brief(next.tick(16_000))).toEqual(['ended:everyone-left']);
  });

  it('restores a snapshot so a failed step can be decided again', () => {
    const t = new CallTracker(0);
    const before = t.snapshot([key]);
    t.apply(inCall('a'), 0);
    t.restore(before, false);
    expect(brief(t.apply(inCall('a'), 0))).toEqual(['call-started']);
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')))(
    'decides the captured scenario %s like the live run: one call, ended by the room deletion',
    (file) => {
      const room = file.includes('nomcu') ? 'nomcu001' : 'abcd1234';
      expect(replay(file, 15_000)).toEqual([`call-started ${room}`, `call-ended(room-deleted) ${room}`]);
      // Without a grace period the brief gap between the two calls splits them, as in hpb-nats.md §5.3.
      expect(replay(file, 0)).toEqual([
        `call-started ${room}`,
        `call-ended(everyone-left) ${room}`,
        `call-started ${room}`,
        `call-ended(room-deleted) ${room}`,
      ]);
    },
  );
});
