import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaptureFinished,
  CaptureParticipants,
  CaptureStarted,
  SpeakingTimes,
  mediaObjects,
  streams,
  subjects,
} from '@talkrec/contracts';
import {
  bandLevelDb,
  concat,
  HpbStack,
  NatsServer,
  NatsTap,
  probe,
  removeDir,
  SyntheticParticipant,
  tempDir,
  videoStats,
} from '@talkrec/testing';
import { isEvent, payload, segmentsOf, timelineProblems, waitForSegment } from './support/events.js';
import { BUNDLED_PAGE, CaptureInstance } from './support/capture-instance.js';
import { ControllerDouble, recordingSpec } from './support/recording.js';

const RECORD_S = 30;

const TONES = { alice: 440, bob: 1000 } as const;

describe('capture service end to end (real NATS, signaling, Janus, two synthetic participants, the call-view page)', () => {
  let nats: NatsServer;
  let stack: HpbStack;
  const participants: SyntheticParticipant[] = [];
  let capture: CaptureInstance;
  let controller: ControllerDouble;
  let tap: NatsTap;
  let scratch: string;
  const room = `room${Date.now().toString(36)}`;

  beforeAll(async () => {
    nats = await NatsServer.start();
    stack = await HpbStack.start({ nats, janus: true });
    stack.nextcloud.directory.addUser('alice', 'Alice A.');
    stack.nextcloud.directory.addUser('bob', 'Bob B.');
    stack.nextcloud.directory.addRoom(room, ['alice', 'bob']);
    for (const [userId, toneHz] of Object.entries(TONES)) {
      const p = await SyntheticParticipant.start({
        stack,
        room,
        userId,
        toneHz,
        hue: toneHz === 440 ? 0 : 180,
      });
      participants.push(p);
      await p.enterCall();
    }
    tap = await NatsTap.start(nats.url, subjects.all);
    capture = await CaptureInstance.start(nats.url, stack, {
      instanceId: 'capture-e2e',
      pageDir: BUNDLED_PAGE,
    });
    controller = await ControllerDouble.connect(nats.url);
    scratch = await tempDir('capture-e2e');
  });

  afterAll(async () => {
    await controller?.close();
    await tap?.stop();
    await capture?.cleanup();
    for (const p of participants) await p.stop();
    await stack?.stop();
    await nats?.stop();
    if (scratch) await removeDir(scratch);
  });

  it(`records ${RECORD_S} s of the call into checksummed segments that play, move and carry both voices`, async () => {
    const spec = recordingSpec(room, { id: stack.backendId, url: stack.nextcloud.url });
    const id = await controller.startRecording(spec);
    const started = payload(CaptureStarted, await tap.waitFor(isEvent(CaptureStarted, id), 60_000));
    expect(started).toMatchObject({ instanceId: 'capture-e2e', resumed: false, nextIndex: 0 });
    // Take turns talking, so the page sees who speaks when.
    const [alice, bob] = participants as [SyntheticParticipant, SyntheticParticipant];
    for (const [talking, silent] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      await silent.setTalking(false);
      await talking.setTalking(true);
      await waitForSegment(tap, id, (s) => s.index === (talking === alice ? 0 : 1), 40_000);
    }
    await alice.setTalking(true);
    const lastIndex = RECORD_S / spec.segmentSeconds - 1;
    await waitForSegment(tap, id, (s) => s.index === lastIndex, (RECORD_S + 30) * 1000);
    const heartbeats = tap.messages.filter((m) => m.subject === subjects.captureHeartbeat(id));
    expect(heartbeats.length).toBeGreaterThanOrEqual(5);

    await controller.setState(id, spec, 'stopping');
    const finished = payload(CaptureFinished, await tap.waitFor(isEvent(CaptureFinished, id), 30_000));
    const segments = segmentsOf(tap, id);
    expect(finished).toMatchObject({ reason: 'stop-requested', lastIndex: segments.at(-1)!.index });

    // Every segment: contiguous on the timeline, in the store, with the announced checksum.
    expect(timelineProblems(segments)).toEqual([]);
    const files: string[] = [];
    for (const s of segments) {
      expect(s).toMatchObject({ container: 'mkv', hasVideo: true, hasAudio: true, gapBeforeMs: 0 });
      expect(s.object).toBe(mediaObjects.captured(id, s.index, 'mkv'));
      files.push(await controller.download(s.object, s.sha256, scratch));
    }
    const first = await probe(files[0]!);
    expect(first.streams.map((s) => s.codec_name)).toEqual(['h264', 'pcm_s16le']);
    expect(first.streams[0]).toMatchObject({ width: 1280, height: 720 });

    const joined = `${scratch}/joined.mkv`;
    await concat(files, joined);
    const total = segments.reduce((sum, s) => sum + s.durationMs, 0);
    expect(Math.abs((await probe(joined)).durationS * 1000 - total)).toBeLessThan(200);
    expect(total).toBeGreaterThanOrEqual(RECORD_S * 1000);
    const video = await videoStats(joined);
    expect(video.meanLuma).toBeGreaterThan(40);
    expect(video.distinctShare).toBeGreaterThan(0.9);
    const levels = {
      alice: await bandLevelDb(joined, TONES.alice),
      bob: await bandLevelDb(joined, TONES.bob),
      neither: await bandLevelDb(joined, 2500),
    };
    process.stdout.write(`band levels (dB): ${JSON.stringify(levels)}\n`);
    expect(levels.alice).toBeGreaterThan(-40);
    expect(levels.bob).toBeGreaterThan(-40);
    expect(levels.neither).toBeLessThan(Math.min(levels.alice, levels.bob) - 15);

    // Who was in the call (never the recorder itself: every entry is one of the two users), who spoke when.
    const lists = tap.messages
      .filter(isEvent(CaptureParticipants, id))
      .map((m) => payload(CaptureParticipants, m).participants);
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) for (const p of list) expect(['alice', 'bob']).toContain(p.userId);
    expect(
      lists
        .at(-1)!
        .map((p) => p.displayName)
        .sort(),
    ).toEqual(['Alice A.', 'Bob B.']);
    expect(finished.speakingTimesObject).toBe(mediaObjects.speakingTimes(id));
    const sidecar = SpeakingTimes.parse(
      JSON.parse(new TextDecoder().decode(await controller.media.getBytes(finished.speakingTimesObject!))),
    );
    process.stdout.write(
      `speaking: ${JSON.stringify(sidecar.intervals.map((i) => [i.participantName, i.startTimestampRelative, i.stopTimestampRelative]))}\n`,
    );
    expect(new Set(sidecar.intervals.map((i) => i.participantName))).toEqual(new Set(['Alice A.', 'Bob B.']));
    for (const i of sidecar.intervals) {
      expect(i.startTimestampRelative).toBeGreaterThanOrEqual(0);
      expect(i.stopTimestampRelative).toBeLessThanOrEqual(total);
    }
    expect(sidecar.intervals.every((i) => Number.isInteger(i.startTimestampRelative))).toBe(true);

    // The job is acknowledged (gone from the work queue), Talk's settings were asked, nothing broke.
    const jobs = await (await controller.nc.jetstreamManager()).streams.info(streams.captureJobs.name);
    expect(jobs.state.messages).toBe(0);
    expect(stack.nextcloud.signalingSettings.served).toContain(room);
    expect(stack.nextcloud.violations).toEqual([]);
    // The recording's processes are gone (no grab; at most the standby session the instance prepared
    // for the next recording); PulseAudio and the standby go with the service.
    expect(capture.leftovers().filter((p) => p.cmd.startsWith('ffmpeg'))).toEqual([]);
    expect((await capture.sessionsInUse(1)).size).toBeLessThanOrEqual(1);
    await capture.svc.stop('SIGTERM');
    expect(await capture.waitNoLeftovers()).toEqual([]);
  }, 240_000);
});
