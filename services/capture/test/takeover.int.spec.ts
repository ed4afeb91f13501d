import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFinished, CaptureStarted, subjects } from '@talkrec/contracts';
import {
  HpbStack,
  NatsServer,
  NatsTap,
  probe,
  removeDir,
  SyntheticParticipant,
  tempDir,
} from '@talkrec/testing';
import { BUNDLED_PAGE, CaptureInstance } from './support/capture-instance.js';
import {
  isEvent,
  payload,
  segmentsOf,
  timelineProblems,
  waitForSegment,
  waitForStart,
} from './support/events.js';
import { ControllerDouble, recordingSpec } from './support/recording.js';

describe('capture takeover (two instances, one killed; two synthetic participants, the call-view page)', () => {
  let nats: NatsServer;
  let stack: HpbStack;
  const participants: SyntheticParticipant[] = [];
  let a: CaptureInstance;
  let b: CaptureInstance | undefined;
  let again: CaptureInstance | undefined;
  let controller: ControllerDouble;
  let tap: NatsTap;
  let scratch: string;
  const room = `room${Date.now().toString(36)}`;

  beforeAll(async () => {
    nats = await NatsServer.start();
    stack = await HpbStack.start({ nats, janus: true });
    stack.nextcloud.directory.addRoom(room, ['alice', 'bob']);
    for (const [userId, toneHz] of [
      ['alice', 440],
      ['bob', 1000],
    ] as const) {
      const p = await SyntheticParticipant.start({ stack, room, userId, toneHz });
      participants.push(p);
      await p.enterCall();
    }
    tap = await NatsTap.start(nats.url, subjects.all);
    a = await CaptureInstance.start(nats.url, stack, { instanceId: 'capture-a', pageDir: BUNDLED_PAGE });
    controller = await ControllerDouble.connect(nats.url);
    scratch = await tempDir('capture-takeover');
  });

  afterAll(async () => {
    await controller?.close();
    await tap?.stop();
    // The instance that reused the killed one's WORK_DIR goes first: its folder is removed with `a`.
    for (const c of [again, b, a]) await c?.cleanup().catch(() => undefined);
    for (const p of participants) await p.stop();
    await stack?.stop();
    await nats?.stop();
    if (scratch) await removeDir(scratch);
  });

  it('continues the same recording on another instance within 20 s of a SIGKILL, keeping every stored segment', async () => {
    const spec = recordingSpec(
      room,
      { id: stack.backendId, url: stack.nextcloud.url },
      { segmentSeconds: 4, video: { width: 960, height: 540, fps: 15 } },
    );
    const id = await controller.startRecording(spec);
    await waitForStart(tap, id, (s) => s.instanceId === 'capture-a');
    await waitForSegment(tap, id, (s) => s.index === 1);
    b = await CaptureInstance.start(nats.url, stack, { instanceId: 'capture-b', pageDir: BUNDLED_PAGE });

    const killedAt = Date.now();
    await a.svc.kill();
    const takeover = await waitForStart(tap, id, (s) => s.instanceId === 'capture-b', 40_000);
    const takeoverS = (takeover.at - killedAt) / 1000;
    const steps = b.svc
      .logRecords()
      .filter((r) =>
        ['capture job taken', 'recording lease taken', 'grab started', 'capture started'].includes(
          String(r.msg),
        ),
      )
      .map((r) => `${String(r.msg)} +${((Date.parse(String(r.time)) - killedAt) / 1000).toFixed(1)} s`);
    process.stdout.write(`takeover ${takeoverS.toFixed(1)} s after the kill: ${steps.join(', ')}\n`);
    const started = payload(CaptureStarted, takeover);
    expect(started.resumed).toBe(true);

    // Nothing of the killed instance survives it (parent-death signal, DevTools pipe).
    expect(await a.waitNoLeftovers()).toEqual([]);

    await waitForSegment(tap, id, (s) => s.instanceId === 'capture-b' && s.index === started.nextIndex + 1);
    await controller.setState(id, spec, 'stopping');
    const finished = payload(CaptureFinished, await tap.waitFor(isEvent(CaptureFinished, id), 30_000));
    expect(finished.instanceId).toBe('capture-b');

    const segments = segmentsOf(tap, id);
    const fromA = segments.filter((s) => s.instanceId === 'capture-a');
    const fromB = segments.filter((s) => s.instanceId === 'capture-b');
    expect(fromA.length).toBeGreaterThanOrEqual(2);
    expect(timelineProblems(segments)).toEqual([]);
    expect(fromB[0]!.index).toBe(started.nextIndex);
    expect(finished.lastIndex).toBe(segments.at(-1)!.index);

    // The first segment after the kill carries the lost call time; the timeline stays continuous.
    const lastA = fromA.at(-1)!;
    const firstB = fromB[0]!;
    expect(firstB.gapBeforeMs).toBeGreaterThan(2_000);
    expect(firstB.startMs).toBe(lastA.startMs + lastA.durationMs + firstB.gapBeforeMs);
    for (const s of segments) {
      if (s !== firstB) expect(s.gapBeforeMs).toBe(0);
      const file = await controller.download(s.object, s.sha256, scratch);
      expect((await probe(file)).streams.map((x) => x.codec_name)).toEqual(['h264', 'pcm_s16le']);
    }

    // A new run of the killed instance (same WORK_DIR) sweeps what the killed one left on disk.
    const stale = readdirSync(a.workDir).filter((d) => d.startsWith('owner-'));
    expect(stale).toHaveLength(1);
    again = await CaptureInstance.start(nats.url, stack, {
      instanceId: 'capture-a2',
      pageDir: BUNDLED_PAGE,
      workDir: a.workDir,
      displayBase: a.displayBase,
    });
    expect(existsSync(path.join(a.workDir, stale[0]!))).toBe(false);

    expect(takeoverS).toBeLessThanOrEqual(20);
  }, 240_000);
});
