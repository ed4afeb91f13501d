import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaptureFinished,
  CaptureStarted,
  StageFailed,
  consumers,
  streams,
  subjects,
} from '@talkrec/contracts';
import { HpbStack, NatsServer, NatsTap, removeDir, tempDir } from '@talkrec/testing';
import { CaptureInstance, FIXTURE_PAGE } from './support/capture-instance.js';
import { isEvent, payload, waitForSegment } from './support/events.js';
import { ControllerDouble, recordingSpec } from './support/recording.js';

const run = promisify(execFile);
const MIN_FREE_MB = 40;

/** A small disk of its own for the capture's work dir: a tmpfs, which needs root (as CI runs). */
async function smallDisk(dir: string): Promise<boolean> {
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=300m', 'tmpfs', dir]);
    return true;
  } catch {
    return false;
  }
}

describe('capture on a disk that fills up', () => {
  let nats: NatsServer;
  let stack: HpbStack;
  let capture: CaptureInstance | undefined;
  let controller: ControllerDouble;
  let tap: NatsTap;
  let disk: string;
  let mounted = false;
  const room = `disk${Date.now().toString(36)}`;
  const spec = () =>
    recordingSpec(
      room,
      { id: stack.backendId, url: stack.nextcloud.url },
      { segmentSeconds: 2, video: { width: 640, height: 360, fps: 15 } },
    );

  beforeAll(async () => {
    disk = await tempDir('capture-disk');
    mounted = await smallDisk(disk);
    if (!mounted) return;
    nats = await NatsServer.start();
    stack = await HpbStack.start({ nats });
    stack.nextcloud.directory.addRoom(room, ['alice']);
    tap = await NatsTap.start(nats.url, subjects.all);
    capture = await CaptureInstance.start(nats.url, stack, {
      instanceId: 'capture-disk',
      pageDir: FIXTURE_PAGE,
      workDir: path.join(disk, 'work'),
      minFreeDiskMb: MIN_FREE_MB,
    });
    controller = await ControllerDouble.connect(nats.url);
  });

  afterAll(async () => {
    await controller?.close();
    await tap?.stop();
    await capture?.cleanup();
    await stack?.stop();
    await nats?.stop();
    if (mounted) await run('umount', ['-l', disk]).catch(() => undefined);
    await removeDir(disk);
  });

  it('fails the running recording with disk_full, takes no new work while full, and resumes when space is back', async ({
    skip,
  }) => {
    if (!mounted) skip('cannot mount a tmpfs here (needs root)');
    const first = await controller.startRecording(spec());
    await waitForSegment(tap, first, (s) => s.index === 0, 60_000);

    // Leave 64 KiB, less than one segment: the grab's next write (or the browser's) fails.
    const { bavail, bsize } = statfsSync(disk);
    await run('fallocate', ['-l', String(bavail * bsize - 64 * 1024), path.join(disk, 'ballast')]);

    const failedSubject = subjects.stageFailed('capture', first);
    const failed = payload(StageFailed, await tap.waitFor((m) => m.subject === failedSubject, 60_000));
    expect(failed).toMatchObject({ stage: 'capture', code: 'disk_full' });
    expect(failed.reason).toMatch(/work disk is full .* MiB free in .*, 40 MiB needed/);

    // While full: the next recording waits in the work queue, untouched.
    const second = await controller.startRecording(spec());
    // The refusal is only in the log (admission has no event).
    await expect
      .poll(() =>
        capture!.svc.logRecords().some((r) => r.msg === 'work disk nearly full: not taking new recordings'),
      )
      .toBe(true);
    const jsm = await controller.nc.jetstreamManager();
    const info = await jsm.consumers.info(streams.captureJobs.name, consumers.captureWorkers.durable);
    expect(info.num_pending).toBe(1);
    expect(info.num_ack_pending).toBe(0);

    // Space back: the instance (still running, nothing crashed) takes the waiting recording.
    await run('rm', [path.join(disk, 'ballast')]);
    const started = payload(CaptureStarted, await tap.waitFor(isEvent(CaptureStarted, second), 60_000));
    expect(started.instanceId).toBe('capture-disk');
    await controller.setState(second, spec(), 'stopping');
    await tap.waitFor(isEvent(CaptureFinished, second), 30_000);
    expect(capture!.svc.proc.alive).toBe(true);
  }, 240_000);
});
