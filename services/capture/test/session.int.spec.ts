import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandLevelDb, concat, noProcessesWith, probe, processesWith, videoStats } from '@talkrec/testing';
import type { RecordingSpec } from '@talkrec/contracts';
import { newRecordingId } from '@talkrec/platform';
import type { PageReport } from '../src/page/protocol.js';
import { CaptureSession } from '../src/session/capture-session.js';
import type { ClosedSegment } from '../src/adapters/ffmpeg/ffmpeg-grab.js';
import { deferred } from '../src/session/deferred.js';
import { TestTools } from './support/session-tools.js';

const run = promisify(execFile);

const spec = (mode: 'video' | 'audio') =>
  ({
    backend: { id: 'nc', url: 'http://127.0.0.1:9' },
    room: { token: 'fixture' },
    mode,
    layout: 'grid',
    video: { width: 640, height: 360, fps: 15 },
    segmentSeconds: 3,
  }) as RecordingSpec;

const pageConfig = (id: string) => () => ({
  recordingId: id,
  signalingUrl: 'ws://127.0.0.1:9/spreed',
  helloAuth: { random: 'r'.repeat(32), token: 't', backend: 'http://127.0.0.1:9' },
  roomToken: 'fixture',
  mode: 'video' as const,
  layout: 'grid' as const,
  width: 640,
  height: 360,
  iceServers: [],
});

/** Opens a session on the fixture page and resolves once the page reported ready. */
async function openSession(tools: TestTools, slot: number, mode: 'video' | 'audio') {
  const id = newRecordingId();
  const session = new CaptureSession(tools.session, slot, spec(mode).video, tools.log);
  const ready = deferred<void>();
  const reports: PageReport[] = [];
  await session.open(pageConfig(id), (r) => {
    reports.push(r);
    if (r.type === 'ready') ready.resolve();
  });
  await ready.promise;
  return { id, session, reports };
}

function grabInto(session: CaptureSession, mode: 'video' | 'audio', startIndex: number) {
  const segments: ClosedSegment[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const grab = session.startGrab(
    {
      ...(mode === 'video' ? { video: { width: 640, height: 360, fps: 15 } } : {}),
      segmentSeconds: 3,
      startIndex,
      clockBaseMs: Date.now(),
      audioDelayMs: 70,
    },
    {
      onProgress: () => undefined,
      onSegment: (s) => {
        segments.push(s);
        for (const w of waiters.filter((x) => segments.length >= x.n)) w.resolve();
      },
    },
  );
  const closed = (n: number) =>
    new Promise<void>((resolve) => (segments.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { grab, segments, closed };
}

describe('a capture session (Xvfb + PulseAudio sink + Chromium + ffmpeg) on the fixture page', () => {
  let tools: TestTools;

  beforeAll(async () => {
    tools = await TestTools.start('call-view');
  });

  afterAll(async () => {
    await tools?.stop();
  });

  it('grabs moving video and both tones into closed, contiguous segments, and closes twice safely', async () => {
    const { session, reports } = await openSession(tools, 0, 'video');
    const display = session.displayName;
    const { grab, segments, closed } = grabInto(session, 'video', 4);
    await closed(2);
    const exit = await grab.stop();
    expect(exit.code).toBe(255);
    expect(segments.map((s) => s.index)).toEqual([4, 5, 6].slice(0, segments.length));
    expect(segments.length).toBeGreaterThanOrEqual(3);
    for (const [i, s] of segments.entries()) {
      expect(s.bytes).toBeGreaterThan(0);
      if (i > 0) expect(s.startS).toBeCloseTo(segments[i - 1]!.endS, 3);
      const info = await probe(s.path);
      expect(info.streams.map((x) => x.codec_name)).toEqual(['h264', 'pcm_s16le']);
      expect(info.streams[0]).toMatchObject({ width: 640, height: 360 });
      expect(info.streams[1]).toMatchObject({ sample_rate: '48000', channels: 2 });
    }
    const joined = `${session.dir}/joined.mkv`;
    await concat(
      segments.map((s) => s.path),
      joined,
    );
    const video = await videoStats(joined);
    expect(video.meanLuma).toBeGreaterThan(40);
    expect(video.distinctShare).toBeGreaterThan(0.9);
    expect(await bandLevelDb(joined, 440)).toBeGreaterThan(-35);
    expect(await bandLevelDb(joined, 1000)).toBeGreaterThan(-35);
    expect(await bandLevelDb(joined, 2500)).toBeLessThan(-50);
    expect(reports.some((r) => r.type === 'media' && r.flowing)).toBe(true);

    const sinks = async () =>
      (
        await run('pactl', ['list', 'short', 'sinks'], {
          env: { ...process.env, PULSE_SERVER: tools.pulse.server },
        })
      ).stdout;
    expect(await sinks()).toContain(session.sinkName);
    await Promise.all([session.close(), session.close()]);
    await session.close();
    expect(await sinks()).not.toContain(session.sinkName);
    expect(await noProcessesWith(`Xvfb ${display} `)).toEqual([]);
    expect(await noProcessesWith(session.dir)).toEqual([]);
  });

  it('grabs only audio for an audio-only recording', async () => {
    const { session } = await openSession(tools, 1, 'audio');
    const { grab, segments, closed } = grabInto(session, 'audio', 0);
    await closed(1);
    await grab.stop();
    const info = await probe(segments[0]!.path);
    expect(info.streams.map((x) => x.codec_type)).toEqual(['audio']);
    expect(await bandLevelDb(segments[0]!.path, 440)).toBeGreaterThan(-35);
    await session.close();
  });

  it('reports a crashed ffmpeg and a crashed Chromium instead of hanging', async () => {
    const { session } = await openSession(tools, 0, 'video');
    const { grab } = grabInto(session, 'video', 0);
    process.kill(grab.pid, 'SIGKILL');
    const exit = await grab.done;
    expect(exit.signal).toBe('SIGKILL');
    expect(grab.stopping).toBe(false);
    const pid = session.browserPid;
    process.kill(pid, 'SIGKILL');
    expect(await session.browserLost).toMatch(/disconnected|crashed/);
    await session.close();
    expect(processesWith(session.dir)).toEqual([]);
  });
});
