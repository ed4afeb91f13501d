import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticCall, TalkrecChain, probe, type ServiceProcess } from '@talkrec/testing';

const ROOM = `scale${Date.now().toString(36)}`;

const logged = (proc: ServiceProcess, msg: string) => proc.logRecords().filter((r) => r.msg === msg).length;

describe('two instances of every service on one NATS', () => {
  let chain: TalkrecChain;

  beforeAll(async () => {
    chain = await TalkrecChain.start({
      autoRecord: ROOM,
      segmentSeconds: 5,
      instances: { controller: 2, capture: 2, encoder: 2, uploader: 2 },
    });
  });

  afterAll(async () => {
    await chain?.stop();
  });

  it('spreads the work over both instances and delivers the recording after losing one of each mid-call', async () => {
    chain.addRoom(ROOM);
    const call = await SyntheticCall.join(chain.hpb, ROOM);
    try {
      await call.enter();
      const id = await chain.recordingRequested(ROOM);
      await chain.segmentCaptured(id, 0, 90_000);

      // Competing consumers: each encoder takes segments while the other is busy. Log lines are the
      // only record of which instance did a job, and they have no event to await.
      const [encoder0, encoder1] = chain.services.encoder as [ServiceProcess, ServiceProcess];
      await expect
        .poll(() => Math.min(logged(encoder0, 'part encoded'), logged(encoder1, 'part encoded')), {
          timeout: 90_000,
          interval: 500,
        })
        .toBeGreaterThan(0);

      const captureIndex = await chain.captureInstanceOf(id);
      const leaderIndex = chain.services.controller.findIndex((c) => logged(c, 'leading') > 0);
      expect(leaderIndex).toBeGreaterThanOrEqual(0);

      // Lose one of each at once: the leading controller, the capture holding the call, an encoder and
      // an uploader (the one left must do the upload).
      await Promise.all([
        chain.services.controller[leaderIndex]!.kill(),
        chain.services.capture[captureIndex]!.kill(),
        encoder0.kill(),
        chain.services.uploader[0]!.kill(),
      ]);
      await chain.segmentCaptured(id, chain.lastSegmentIndex(id) + 4, 120_000);
      await call.leave();
      await chain.reached(id, 'done', 240_000);

      const other = (i: number) => 1 - i;
      expect(logged(chain.services.controller[other(leaderIndex)]!, 'leading')).toBeGreaterThan(0);
      // The surviving uploader did the upload (its log reaches the file a moment after the event).
      await expect.poll(() => logged(chain.services.uploader[1]!, 'upload confirmed')).toBe(1);
      const uploaded = chain.recordings().get(id)!.uploaded!;
      const info = await probe(chain.deliveredPath(uploaded));
      expect(info.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(info.durationS).toBeGreaterThan(20);
      expect(chain.nextcloud.violations).toEqual([]);
    } finally {
      await call.stop();
    }
  }, 600_000);
});
