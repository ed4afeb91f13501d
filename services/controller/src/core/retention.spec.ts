import { describe, expect, it } from 'vitest';
import { RecordingStateName, type RecordingState } from '@talkrec/contracts';
import { newRecordingState } from './recording-machine.js';
import { retentionVerdict } from './retention.js';
import { buildSpec } from './spec-builder.js';
import { testSpecDefaults } from './test-values.test-helpers.js';

const ID = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2';
const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const policy = { uploadedGraceMs: 3_600_000, failedRetentionMs: 14 * DAY };
const iso = (ms: number) => new Date(ms).toISOString();

const base = newRecordingState(
  ID,
  buildSpec(
    {
      recordingId: ID,
      backend: { id: 'nc', url: 'https://cloud.example.com' },
      roomToken: 'abc',
      mode: 'video',
      layout: 'speaker',
      trigger: { kind: 'rule', rule: 'AUTO_RECORD=all' },
      announce: false,
      at: new Date(0),
    },
    testSpecDefaults,
  ),
  NOW - 30 * DAY,
).state;

const inState = (state: RecordingState['state'], over: Partial<RecordingState> = {}): RecordingState => ({
  ...base,
  state,
  ...over,
});

describe('retention policy', () => {
  it('keeps the media of every recording that is neither delivered nor failed, however old', () => {
    for (const name of RecordingStateName.options.filter((n) => n !== 'done' && n !== 'failed')) {
      expect(retentionVerdict(inState(name), NOW, policy), name).toEqual({
        purge: false,
        why: `the recording is ${name}`,
      });
    }
  });

  it('lets a delivered recording go once the grace after the confirmed upload is over', () => {
    const uploaded = (agoMs: number) =>
      inState('done', { upload: { location: 'x', confirmedAt: iso(NOW - agoMs) } });
    expect(retentionVerdict(uploaded(2 * 3_600_000), NOW, policy)).toEqual({ purge: true, why: 'uploaded' });
    expect(retentionVerdict(uploaded(60_000), NOW, policy)).toEqual({
      purge: false,
      why: 'uploaded; within the grace after upload',
      until: iso(NOW - 60_000 + 3_600_000),
    });
  });

  it('keeps a failed recording for a retry until the retention time has passed', () => {
    const failed = (agoMs: number) =>
      inState('failed', {
        failure: { stage: 'upload', code: 'rejected', reason: 'no', at: iso(NOW - agoMs) },
      });
    expect(retentionVerdict(failed(15 * DAY), NOW, policy)).toEqual({ purge: true, why: 'failed-expired' });
    expect(retentionVerdict(failed(13 * DAY), NOW, policy)).toMatchObject({
      purge: false,
      until: iso(NOW + DAY),
    });
  });
});
