import { describe, expect, it } from 'vitest';
import { SpeakingTimes } from '@talkrec/contracts';
import { SpeakingLog } from './speaking-times.js';

const BEGIN = 1_795_000_000_000;
const alice = { sessionId: 's-a', displayName: 'Alice A.', userId: 'alice' };
const guest = { sessionId: 's-g' };

describe('SpeakingLog', () => {
  it('turns start/stop reports into Talk intervals in integer ms, absolute and relative', () => {
    const log = new SpeakingLog();
    log.apply({ ...alice, speaking: true, at: BEGIN + 1_000.4 });
    log.apply({ ...alice, speaking: true, at: BEGIN + 1_500 });
    log.apply({ ...alice, speaking: false, at: BEGIN + 3_000 });
    log.apply({ ...guest, speaking: false, at: BEGIN + 3_500 });
    const sidecar = log.sidecar(BEGIN, BEGIN + 10_000);
    expect(SpeakingTimes.parse(sidecar)).toEqual(sidecar);
    expect(sidecar).toEqual({
      recordingStartTimestamp: BEGIN,
      intervals: [
        {
          participantName: 'Alice A.',
          participantUserId: 'alice',
          startTimestamp: BEGIN + 1_000,
          stopTimestamp: BEGIN + 3_000,
          startTimestampRelative: 1_000,
          stopTimestampRelative: 3_000,
        },
      ],
    });
  });

  it('cuts off speech at the end of the media, whoever still speaks, and names guests', () => {
    const log = new SpeakingLog();
    log.apply({ ...guest, speaking: true, at: BEGIN + 2_000 });
    log.apply({ ...alice, speaking: true, at: BEGIN + 6_000 });
    log.apply({ ...alice, speaking: false, at: BEGIN + 9_000 });
    expect(log.sidecar(BEGIN, BEGIN + 5_000).intervals).toEqual([
      {
        participantName: 'Guest',
        startTimestamp: BEGIN + 2_000,
        stopTimestamp: BEGIN + 5_000,
        startTimestampRelative: 2_000,
        stopTimestampRelative: 5_000,
      },
    ]);
  });

  it('continues a sidecar stored by an earlier instance and clips speech before the recording began', () => {
    const earlier = new SpeakingLog();
    earlier.apply({ ...alice, speaking: true, at: BEGIN - 500 });
    earlier.apply({ ...alice, speaking: false, at: BEGIN + 700 });
    const log = new SpeakingLog(earlier.sidecar(BEGIN, BEGIN + 1_000));
    expect(log.isEmpty).toBe(false);
    log.apply({ ...alice, speaking: true, at: BEGIN + 20_000 });
    log.apply({ ...alice, speaking: false, at: BEGIN + 21_000 });
    expect(log.sidecar(BEGIN, BEGIN + 30_000).intervals.map((i) => i.startTimestampRelative)).toEqual([
      0, 20_000,
    ]);
  });
});
