import { describe, expect, it } from 'vitest';
import {
  AnnouncementResult,
  RecordingRequested,
  RecordingTransitioned,
  SegmentCaptured,
  type MessageContract,
} from '@talkrec/contracts';
import { buildAudit, parseSince, roomsFromEvents, type StoredEvent } from './audit.js';
import { buildSpec } from './spec-builder.js';
import { testSpecDefaults } from './test-values.test-helpers.js';

const A = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2';
const B = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E3';
const NOW = Date.parse('2026-03-08T00:00:00Z');

const specFor = (id: string, room: string) =>
  buildSpec(
    {
      recordingId: id,
      backend: { id: 'nc', url: 'https://cloud.example.com' },
      roomToken: room,
      mode: 'video',
      layout: 'speaker',
      trigger: { kind: 'talk', owner: 'alice', actor: { type: 'users', id: 'alice' }, status: 1 },
      announce: true,
      at: new Date(0),
    },
    testSpecDefaults,
  );

let seq = 0;
const ev = (
  contract: MessageContract,
  name: string,
  recordingId: string,
  time: string,
  payload: unknown,
) => ({ seq: ++seq, time, name, recordingId, contract, payload });

const events: StoredEvent[] = [
  ev(RecordingRequested, 'recording.requested', A, '2026-03-07T10:00:00.000Z', {
    v: 1,
    recordingId: A,
    at: '2026-03-07T10:00:00.000Z',
    spec: specFor(A, 'room1'),
  }),
  ev(RecordingRequested, 'recording.requested', B, '2026-03-07T10:00:01.000Z', {
    v: 1,
    recordingId: B,
    at: '2026-03-07T10:00:01.000Z',
    spec: specFor(B, 'room2'),
  }),
  ev(SegmentCaptured, 'capture.segment', A, '2026-03-07T10:00:12.000Z', { index: 0, durationMs: 10_000 }),
  ev(RecordingTransitioned, 'recording.transitioned', A, '2026-03-07T10:05:00.000Z', {
    v: 1,
    recordingId: A,
    at: '2026-03-07T10:05:00.000Z',
    from: 'recording',
    to: 'stopping',
    reason: 'talk stop by users/bob',
    actor: { kind: 'talk', id: 'users/bob' },
  }),
  ev(AnnouncementResult, 'announce.result', A, '2026-03-07T10:05:01.000Z', {
    notice: 'stopped',
    result: 'refused',
    status: 401,
    reason: 'wrong secret',
  }),
];

describe('audit trail', () => {
  it('reads since as a duration back from now or as an ISO time', () => {
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('12h', NOW)).toBe(NOW - 12 * 3_600_000);
    expect(parseSince('2026-03-01T00:00:00Z', NOW)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseSince('yesterday', NOW)).toBeUndefined();
  });

  it("shows one room's recordings with who started and stopped them and what the conversation was told", () => {
    const entries = buildAudit(events, roomsFromEvents(events), { sinceMs: 0, roomToken: 'room1' });
    expect(entries.map((e) => [e.recordingId, e.event])).toEqual([
      [A, 'recording.requested'],
      [A, 'capture.segment'],
      [A, 'recording.transitioned'],
      [A, 'announce.result'],
    ]);
    expect(entries[0]).toMatchObject({ backendId: 'nc', roomToken: 'room1', at: '2026-03-07T10:00:00.000Z' });
    expect(entries[0]!.summary).toMatch(
      /^requested by Talk, by users\/alice \(owner alice\); video, speaker/,
    );
    expect(entries[1]!.summary).toBe('segment 0 captured (10.0 s)');
    expect(entries[2]!.summary).toBe('recording → stopping: talk stop by users/bob [by talk users/bob]');
    expect(entries[3]!.summary).toBe('notice "stopped" refused (HTTP 401): wrong secret');
  });

  it('cuts at since and leaves out recordings whose room is unknown when a room is asked for', () => {
    const late = buildAudit(events, roomsFromEvents(events), { sinceMs: Date.parse('2026-03-07T10:00:05Z') });
    expect(late.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(buildAudit(events, new Map(), { sinceMs: 0, roomToken: 'room1' })).toEqual([]);
    expect(buildAudit(events, new Map(), { sinceMs: 0 })).toHaveLength(5);
  });
});
