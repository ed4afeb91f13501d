import { describe, expect, it } from 'vitest';
import { RecordingTransitioned, SegmentCaptured, encode, subjects } from '@talkrec/contracts';
import { describeProgress } from './progress.js';

const id = 'rec_01JF5Q3Z8N6W2X4Y7A9B0C1D2E';
const at = '2026-12-06T12:00:00.000Z';

describe('demo progress lines', () => {
  it('names the stage and the segment', () => {
    const data = encode(SegmentCaptured, {
      v: 1,
      recordingId: id,
      index: 3,
      object: 'x',
      sha256: 'a'.repeat(64),
      startMs: 15_000,
      durationMs: 5_000,
      bytes: 2048,
      container: 'mkv',
      hasVideo: true,
      hasAudio: true,
      gapBeforeMs: 0,
      instanceId: 'capture-0',
    });
    expect(describeProgress(subjects.event(SegmentCaptured, id), data)).toBe(
      'captured segment 3 (5.0 s, 2 KiB)',
    );
  });

  it('shows why a recording failed', () => {
    const data = encode(RecordingTransitioned, {
      v: 1,
      recordingId: id,
      at,
      from: 'uploading',
      to: 'failed',
      failure: { stage: 'upload', code: 'upload_rejected', reason: 'Nextcloud answered 403', at },
    });
    expect(describeProgress(subjects.event(RecordingTransitioned, id), data)).toBe(
      'state uploading → failed: upload upload_rejected: Nextcloud answered 403',
    );
  });

  it('prints nothing for messages it does not show or cannot read', () => {
    expect(describeProgress(subjects.captureHeartbeat(id), new Uint8Array())).toBeUndefined();
    expect(
      describeProgress(subjects.event(SegmentCaptured, id), new TextEncoder().encode('{')),
    ).toBeUndefined();
  });
});
