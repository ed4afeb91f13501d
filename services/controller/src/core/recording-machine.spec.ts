import { describe, expect, it } from 'vitest';
import type { RecordingState, SegmentCaptured, StageFailed } from '@talkrec/contracts';
import {
  buildAssembleJob,
  newRecordingState,
  requestedEffect,
  step,
  type Effect,
  type MachineInput,
} from './recording-machine.js';
import { buildSpec } from './spec-builder.js';
import { testSpecDefaults } from './test-values.test-helpers.js';

const ID = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2';
const at = (ms: number) => new Date(ms).toISOString();
const talkTrigger = {
  kind: 'talk' as const,
  owner: 'alice',
  actor: { type: 'users', id: 'alice' },
  status: 1 as const,
};
const spec = (trigger: Parameters<typeof buildSpec>[0]['trigger'] = talkTrigger, announce = false) =>
  buildSpec(
    {
      recordingId: ID,
      backend: { id: 'nc', url: 'https://cloud.example.com' },
      roomToken: 'abc',
      mode: 'video',
      layout: 'speaker',
      trigger,
      announce,
      at: new Date(0),
    },
    testSpecDefaults,
  );
const segment = (index: number, gapBeforeMs = 0): SegmentCaptured => ({
  v: 1,
  recordingId: ID,
  instanceId: 'cap-1',
  index,
  object: `${ID}/capture/${String(index).padStart(6, '0')}.mkv`,
  container: 'mkv',
  startMs: index * 10_000 + gapBeforeMs,
  durationMs: 10_000,
  bytes: 1000,
  sha256: 'a'.repeat(64),
  hasVideo: true,
  hasAudio: true,
  gapBeforeMs,
});
const failedEvent = (stage: StageFailed['stage'], code = 'boom'): StageFailed => ({
  v: 1,
  recordingId: ID,
  at: at(50),
  stage,
  code,
  reason: `${stage} broke`,
});

/** Runs inputs one after another, collecting effects; `t` advances 1 ms per input. */
function run(state: RecordingState, inputs: MachineInput[], from = 1) {
  const effects: Effect[] = [];
  let s = state;
  inputs.forEach((input, i) => {
    const r = step(s, input, from + i);
    effects.push(...r.effects);
    s = r.state;
  });
  return { state: s, effects };
}
const kinds = (effects: Effect[]) =>
  effects.map((e) =>
    e.kind === 'publish.transition'
      ? `${e.payload.from}→${e.payload.to}`
      : e.kind === 'talk.callback'
        ? `talk:${e.payload.callback.type}`
        : e.kind === 'announce'
          ? `announce:${e.payload.notice.kind}`
          : e.kind,
  );

describe('recording machine', () => {
  it('runs a Talk-triggered recording from request to done with the jobs and callbacks in order', () => {
    const created = newRecordingState(ID, spec(), 0);
    expect(kinds(created.effects)).toEqual(['publish.requested']);
    const { state, effects } = run(created.state, [
      { kind: 'start' },
      {
        kind: 'capture.started',
        event: { v: 1, recordingId: ID, at: at(2), instanceId: 'cap-1', resumed: false, nextIndex: 0 },
      },
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'capture.segment', event: segment(1) },
      { kind: 'stop', reason: 'talk stop', actor: { type: 'users', id: 'bob' } },
      {
        kind: 'encode.segment',
        event: { v: 1, recordingId: ID, at: at(6), index: 0, object: 'e0', bytes: 1, durationMs: 10_000 },
      },
      {
        kind: 'capture.finished',
        event: {
          v: 1,
          recordingId: ID,
          at: at(7),
          instanceId: 'cap-1',
          lastIndex: 1,
          reason: 'stop-requested',
        },
      },
      {
        kind: 'encode.segment',
        event: { v: 1, recordingId: ID, at: at(8), index: 1, object: 'e1', bytes: 1, durationMs: 9_000 },
      },
      {
        kind: 'encode.assembled',
        event: {
          v: 1,
          recordingId: ID,
          at: at(9),
          object: 'f',
          fileName: 'x.mp4',
          container: 'mp4',
          mime: 'video/mp4',
          bytes: 9,
          sha256: 'b'.repeat(64),
          durationMs: 19_000,
          gapMs: 0,
        },
      },
      {
        kind: 'upload.done',
        event: {
          v: 1,
          recordingId: ID,
          at: at(10),
          target: 'talk',
          location: '/Talk/x.mp4',
          bytes: 9,
          sharedToRoom: false,
        },
      },
    ]);
    expect(kinds(effects)).toEqual([
      'job.capture',
      'requested→starting',
      'starting→recording',
      'talk:started',
      'job.encode-segment',
      'job.encode-segment',
      'recording→stopping',
      'stopping→captured',
      'room.release',
      'talk:stopped',
      'job.assemble',
      'captured→encoding',
      'encoding→encoded',
      'job.upload',
      'encoded→uploading',
      'uploading→done',
      'media.delete',
    ]);
    expect(state).toMatchObject({
      state: 'done',
      startedAt: at(2),
      stopReason: 'talk stop',
      upload: { location: '/Talk/x.mp4' },
    });
    const encodes = effects.filter((e) => e.kind === 'job.encode-segment');
    expect(encodes[1]!.kind === 'job.encode-segment' && encodes[1]!.payload.previous?.index).toBe(0);
    const stopped = effects.find((e) => e.kind === 'talk.callback' && e.payload.callback.type === 'stopped');
    expect(stopped?.kind === 'talk.callback' && stopped.payload.callback).toEqual({
      type: 'stopped',
      stopped: { token: 'abc', actor: { type: 'users', id: 'bob' } },
    });
  });

  it('gives the same message ids when a step is redone after a crash', () => {
    const created = newRecordingState(ID, spec(), 0);
    // A start finished after a crash announces the recording again, de-duplicated by the same id.
    expect(requestedEffect(created.state)).toEqual(created.effects[0]);
    const s = run(created.state, [{ kind: 'start' }]).state;
    const a = step(s, { kind: 'stop', reason: 'x' }, 100);
    const b = step(s, { kind: 'stop', reason: 'x' }, 999);
    expect(a.effects.map((e) => ('msgId' in e ? e.msgId : ''))).toEqual(
      b.effects.map((e) => ('msgId' in e ? e.msgId : '')),
    );
  });

  it('ignores redelivered and stale events', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'capture.segment', event: segment(0) },
    ]).state;
    expect(step(s, { kind: 'capture.segment', event: segment(0) }, 5)).toMatchObject({
      changed: false,
      effects: [],
    });
    expect(step(s, { kind: 'stage.failed', event: failedEvent('upload') }, 5)).toMatchObject({
      changed: false,
      effects: [],
    });
  });

  it('does not name a previous segment across a capture takeover gap', () => {
    const { effects } = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'capture.segment', event: segment(1, 4_000) },
    ]);
    const jobs = effects.flatMap((e) => (e.kind === 'job.encode-segment' ? [e.payload] : []));
    expect(jobs[1]!.previous).toBeUndefined();
  });

  it('fails while capturing: frees the room and tells Talk', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [{ kind: 'start' }]).state;
    const r = step(s, { kind: 'stage.failed', event: failedEvent('capture', 'join_failed') }, 5);
    expect(kinds(r.effects)).toEqual(['starting→failed', 'room.release', 'talk:failed']);
    expect(r.state.failure).toMatchObject({ stage: 'capture', code: 'join_failed' });
  });

  it('fails after the capture without a Talk callback (Talk already shows it stopped)', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'stop', reason: 'x' },
      {
        kind: 'capture.finished',
        event: { v: 1, recordingId: ID, at: at(4), instanceId: 'c', lastIndex: 0, reason: 'stop-requested' },
      },
    ]).state;
    const r = step(s, { kind: 'stage.failed', event: failedEvent('encode') }, 9);
    expect(kinds(r.effects)).toEqual(['captured→failed']);
  });

  it('retries a failed encode by re-encoding the missing segments, then assembles', () => {
    let s = run(newRecordingState(ID, spec({ kind: 'admin', by: 'x' }), 0).state, [
      { kind: 'start' },
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'capture.segment', event: segment(1) },
      { kind: 'stop', reason: 'x' },
      {
        kind: 'capture.finished',
        event: { v: 1, recordingId: ID, at: at(4), instanceId: 'c', lastIndex: 1, reason: 'stop-requested' },
      },
      {
        kind: 'encode.segment',
        event: { v: 1, recordingId: ID, at: at(6), index: 0, object: 'e0', bytes: 1, durationMs: 1 },
      },
      { kind: 'stage.failed', event: failedEvent('encode') },
    ]).state;
    expect(s.state).toBe('failed');
    const r = step(s, { kind: 'retry', requestId: 'r1' }, 20);
    expect(r.effects[0]).toEqual({ kind: 'job.encode-missing', msgIdSuffix: '-retry-r1', indices: [1] });
    s = r.state;
    expect(s.state).toBe('captured');
    const done = step(
      s,
      {
        kind: 'encode.segment',
        event: { v: 1, recordingId: ID, at: at(21), index: 1, object: 'e1', bytes: 1, durationMs: 1 },
      },
      21,
    );
    expect(kinds(done.effects)).toEqual(['job.assemble', 'captured→encoding']);
  });

  it('retries a failed upload, and refuses to retry what cannot be', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [{ kind: 'start' }]).state;
    expect(step(s, { kind: 'retry', requestId: 'r' }, 5).refused).toMatch(/only a failed recording/);
    const nothing = run(s, [
      { kind: 'stop', reason: 'x' },
      {
        kind: 'capture.finished',
        event: { v: 1, recordingId: ID, at: at(4), instanceId: 'c', lastIndex: -1, reason: 'stop-requested' },
      },
    ]).state;
    expect(nothing.failure?.code).toBe('nothing_captured');
    expect(step(nothing, { kind: 'retry', requestId: 'r' }, 9).refused).toMatch(/cannot be retried/);
  });

  it('salvages a capture that failed mid-call by asking a capture to finish it', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'stage.failed', event: failedEvent('capture') },
    ]).state;
    const r = step(s, { kind: 'retry', requestId: 'r9' }, 9);
    expect(kinds(r.effects)).toEqual(['job.capture', 'failed→stopping']);
    expect(r.effects[0]!.kind === 'job.capture' && r.effects[0].msgId).toBe(`capture-${ID}-retry-r9`);
  });

  it('builds the assemble job from the logged segments', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'stop', reason: 'x' },
      {
        kind: 'capture.finished',
        event: { v: 1, recordingId: ID, at: at(4), instanceId: 'c', lastIndex: 0, reason: 'stop-requested' },
      },
    ]).state;
    const job = buildAssembleJob(
      s,
      new Map([[0, segment(0)]]),
      new Map([
        [0, { v: 1, recordingId: ID, at: at(5), index: 0, object: 'e0', bytes: 5, durationMs: 9_990 }],
      ]),
      10,
    );
    expect(typeof job !== 'string' && job.parts).toEqual([
      { index: 0, object: 'e0', startMs: 0, durationMs: 9_990, gapBeforeMs: 0 },
    ]);
    expect(buildAssembleJob(s, new Map(), new Map(), 10)).toMatch(/segment 0 is missing/);
  });

  describe('notices in the conversation', () => {
    const ruleTrigger = { kind: 'rule' as const, rule: 'AUTO_RECORD=all' };
    const started = {
      kind: 'capture.started' as const,
      event: { v: 1 as const, recordingId: ID, at: at(2), instanceId: 'cap-1', resumed: false, nextIndex: 0 },
    };
    const finished = (lastIndex: number): MachineInput => ({
      kind: 'capture.finished',
      event: { v: 1, recordingId: ID, at: at(4), instanceId: 'c', lastIndex, reason: 'stop-requested' },
    });
    const toDone: MachineInput[] = [
      { kind: 'start' },
      started,
      { kind: 'capture.segment', event: segment(0) },
      { kind: 'stop', reason: 'call ended', by: { kind: 'admin', id: 'cli' } },
      finished(0),
      {
        kind: 'encode.segment',
        event: { v: 1, recordingId: ID, at: at(6), index: 0, object: 'e0', bytes: 1, durationMs: 1 },
      },
      {
        kind: 'encode.assembled',
        event: {
          v: 1,
          recordingId: ID,
          at: at(9),
          object: 'f',
          fileName: 'Recording 1.mp4',
          container: 'mp4',
          mime: 'video/mp4',
          bytes: 9,
          sha256: 'b'.repeat(64),
          durationMs: 1,
          gapMs: 0,
        },
      },
      {
        kind: 'upload.done',
        event: {
          v: 1,
          recordingId: ID,
          at: at(10),
          target: 'webdav',
          location: 'Talk Recordings/abc/Recording 1.mp4',
          url: 'https://cloud.example.com/s/AbC',
          bytes: 9,
          sharedToRoom: true,
        },
      },
    ];

    it('announces start (with the rule), stop and delivery of an announced recording, once each', () => {
      const { effects } = run(newRecordingState(ID, spec(ruleTrigger, true), 0).state, toDone);
      const notices = effects.flatMap((e) => (e.kind === 'announce' ? [e] : []));
      expect(notices.map((n) => [n.msgId, n.payload.notice])).toEqual([
        [`announce-${ID}-started`, { kind: 'started', trigger: ruleTrigger }],
        [`announce-${ID}-stopped`, { kind: 'stopped' }],
        [
          `announce-${ID}-delivered`,
          {
            kind: 'delivered',
            fileName: 'Recording 1.mp4',
            target: 'webdav',
            location: 'Talk Recordings/abc/Recording 1.mp4',
            url: 'https://cloud.example.com/s/AbC',
            sharedToRoom: true,
          },
        ],
      ]);
      expect(notices[0]!.payload).toMatchObject({ backendId: 'nc', roomToken: 'abc', recordingId: ID });
      expect(kinds(effects)).toContain('starting→recording');
      expect(kinds(effects).indexOf('announce:started')).toBe(
        kinds(effects).indexOf('starting→recording') + 1,
      );
    });

    it('posts nothing for a recording without notices', () => {
      const { effects } = run(newRecordingState(ID, spec(ruleTrigger, false), 0).state, toDone);
      expect(effects.filter((e) => e.kind === 'announce')).toEqual([]);
    });

    it('announces a failure only to a conversation that was told it is recorded', () => {
      const joined = run(newRecordingState(ID, spec(ruleTrigger, true), 0).state, [{ kind: 'start' }]).state;
      const never = step(joined, { kind: 'stage.failed', event: failedEvent('capture') }, 5);
      expect(kinds(never.effects)).not.toContain('announce:failed');
      const recording = run(joined, [started]).state;
      const failed = step(recording, { kind: 'stage.failed', event: failedEvent('capture') }, 5);
      expect(kinds(failed.effects)).toEqual(['recording→failed', 'announce:failed', 'room.release']);
    });

    it('names who stopped a recording in its transition', () => {
      const s = run(newRecordingState(ID, spec(ruleTrigger), 0).state, [{ kind: 'start' }, started]).state;
      const r = step(s, { kind: 'stop', reason: 'cli stop', by: { kind: 'admin', id: 'cli' } }, 5);
      const tr = r.effects.find((e) => e.kind === 'publish.transition');
      expect(tr?.kind === 'publish.transition' && tr.payload).toMatchObject({
        to: 'stopping',
        reason: 'cli stop',
        actor: { kind: 'admin', id: 'cli' },
      });
    });

    it('keeps what became of each notice, also once the recording is done', () => {
      const done = run(newRecordingState(ID, spec(ruleTrigger, true), 0).state, toDone).state;
      const result = {
        v: 1 as const,
        recordingId: ID,
        roomToken: 'abc',
        at: at(20),
        notice: 'delivered' as const,
        result: 'refused' as const,
        status: 401,
        reason: 'wrong secret',
      };
      const r = step(done, { kind: 'announce.result', event: result }, 21);
      expect(r.changed).toBe(true);
      expect(r.state.announcements).toEqual([
        { notice: 'delivered', result: 'refused', at: at(20), status: 401, reason: 'wrong secret' },
      ]);
      expect(step(r.state, { kind: 'announce.result', event: result }, 22).changed).toBe(false);
    });
  });

  it('refuses to retry a failed recording whose media was purged', () => {
    const s = run(newRecordingState(ID, spec(), 0).state, [
      { kind: 'start' },
      { kind: 'stage.failed', event: failedEvent('capture') },
      { kind: 'media.deleted' },
    ]).state;
    expect(step(s, { kind: 'retry', requestId: 'r' }, 9).refused).toMatch(/purged/);
  });
});
