import { describe, expect, it } from 'vitest';
import { formatPurgePlan, formatTimeline, type AuditLine } from './audit-format.js';

const line = (at: string, event: string, summary: string, recordingId = 'rec_A'): AuditLine => ({
  at,
  recordingId,
  backendId: 'nc',
  roomToken: 'room1',
  event,
  summary,
});

describe('audit timeline', () => {
  it('prints one block per recording and folds runs of segment events into one line', () => {
    const text = formatTimeline([
      line('2026-03-07T10:00:00.000Z', 'recording.requested', 'requested by rule "AUTO_RECORD=all"'),
      line('2026-03-07T10:00:10.000Z', 'capture.segment', 'segment 0 captured (10.0 s)'),
      line('2026-03-07T10:00:20.000Z', 'capture.segment', 'segment 1 captured (10.0 s)'),
      line('2026-03-07T10:00:30.000Z', 'capture.segment', 'segment 2 captured (10.0 s)'),
      line('2026-03-07T10:00:31.000Z', 'recording.transitioned', 'recording → stopping: cli stop'),
      line('2026-03-07T11:00:00.000Z', 'recording.requested', 'requested by admin cli', 'rec_B'),
    ]);
    expect(text).toBe(
      [
        'rec_A  nc/room1',
        '  2026-03-07 10:00:00Z  requested by rule "AUTO_RECORD=all"',
        '  2026-03-07 10:00:10Z  segments 0–2 captured (3 events)',
        '  2026-03-07 10:00:31Z  recording → stopping: cli stop',
        '',
        'rec_B  nc/room1',
        '  2026-03-07 11:00:00Z  requested by admin cli',
      ].join('\n'),
    );
    expect(formatTimeline([])).toBe('no audit entries');
  });

  it('lists what a purge would delete and what it keeps until when', () => {
    const text = formatPurgePlan({
      purge: [
        { recordingId: 'rec_A', state: 'failed', why: 'failed-expired', objects: 3, bytes: 3 * 1024 ** 2 },
      ],
      keep: [
        {
          recordingId: 'rec_B',
          state: 'failed',
          why: 'failed; kept for a retry',
          until: '2026-03-20T00:00:00.000Z',
          objects: 1,
          bytes: 0,
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'would purge 1 recording(s), 3.0 MiB:',
      '  rec_A  failed         3 objects    3.0 MiB  failed-expired',
      'keeps 1 recording(s) with media:',
      '  rec_B  failed         1 objects    0.0 MiB  failed; kept for a retry (until 2026-03-20 00:00:00Z)',
    ]);
  });
});
