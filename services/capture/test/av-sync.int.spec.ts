import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avOffsetsMs, median } from '@talkrec/testing';
import { newRecordingId } from '@talkrec/platform';
import { CaptureSession } from '../src/session/capture-session.js';
import type { ClosedSegment } from '../src/adapters/ffmpeg/ffmpeg-grab.js';
import { deferred } from '../src/session/deferred.js';
import { TestTools } from './support/session-tools.js';

const SEGMENTS = 4;
const SEGMENT_S = 6;

describe('A/V sync of the grab', () => {
  let tools: TestTools;

  beforeAll(async () => {
    tools = await TestTools.start('av-sync');
  });

  afterAll(async () => {
    await tools?.stop();
  });

  it('keeps picture and sound within a frame of each other, without drift across segments', async () => {
    const id = newRecordingId();
    const video = { width: 1280, height: 720, fps: 30 };
    const session = new CaptureSession(tools.session, 0, video, tools.log);
    const ready = deferred<void>();
    const config = () => ({
      recordingId: id,
      signalingUrl: 'ws://127.0.0.1:9/spreed',
      helloAuth: { random: 'r'.repeat(32), token: 't', backend: 'http://127.0.0.1:9' },
      roomToken: 'sync',
      mode: 'video' as const,
      layout: 'speaker' as const,
      ...video,
      iceServers: [],
    });
    try {
      await session.open(config, (r) => r.type === 'ready' && ready.resolve());
      await ready.promise;
      const segments: ClosedSegment[] = [];
      const enough = deferred<void>();
      const grab = session.startGrab(
        {
          video,
          segmentSeconds: SEGMENT_S,
          startIndex: 0,
          clockBaseMs: Date.now(),
          audioDelayMs: tools.config.AV_SYNC_OFFSET_MS,
        },
        {
          onProgress: () => undefined,
          onSegment: (s) => {
            segments.push(s);
            if (segments.length >= SEGMENTS) enough.resolve();
          },
        },
      );
      await enough.promise;
      await grab.stop();
      const perSegment: number[][] = [];
      for (const s of segments.slice(0, SEGMENTS)) perSegment.push(await avOffsetsMs(s.path));
      const all = perSegment.flat();
      // Printed for the README's measurement table.
      process.stdout.write(`av offsets (audio − video, ms) per segment: ${JSON.stringify(perSegment)}\n`);
      expect(all.length).toBeGreaterThanOrEqual(SEGMENTS * 4);
      // Within one grab the offset is steady (same clock for both inputs: no drift), but from one browser
      // session to the next it varied by ±50 ms around the configured correction on this shared 2-vCPU
      // machine (README): the median must stay within that band, and the second half must not drift.
      expect(Math.abs(median(all))).toBeLessThanOrEqual(100);
      const half = Math.floor(all.length / 2);
      expect(Math.abs(median(all.slice(half)) - median(all.slice(0, half)))).toBeLessThanOrEqual(40);
    } finally {
      await session.close();
    }
  }, 150_000);
});
