import { RECORDER_USER } from '@talkrec/testing';
import { sleep } from '../chain-tools.js';
import { recordCall } from '../recorded-call.js';
import { fromFate, type Scenario } from '../scenario.js';

const SEGMENTS = 4;

/** nats-server stops and starts again mid-call; JetStream keeps its file store across the restart. */
export const natsRestart: Scenario = {
  name: 'restart nats-server mid-call',
  async run({ chain, room }) {
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS + 1,
      midCall: () => chain.hpb.nats.restart(2_000),
    });
    return fromFate(fate, 'nats-server down 2 s, same store');
  },
};

/**
 * Nextcloud refuses connections from mid-call until well after the call ended; the upload waits and
 * retries, and the file arrives once Nextcloud is back. The outage is a duration by definition, hence
 * the sleep.
 */
export const nextcloudDown: Scenario = {
  name: 'Nextcloud down, then back',
  async run({ chain, room, quick }) {
    const outageMs = quick ? 20_000 : 120_000;
    let wentDown = 0;
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS,
      midCall: async () => {
        await chain.nextcloud.goDown();
        wentDown = Date.now();
      },
      afterCall: async () => {
        await sleep(Math.max(0, outageMs - (Date.now() - wentDown)));
        await chain.nextcloud.comeBack();
      },
      deliveryTimeoutMs: 300_000,
    });
    return fromFate(fate, `Nextcloud refused connections for ${outageMs / 1000} s`);
  },
};

/** Nextcloud answers 507 (the recorder's quota is full) until an admin frees space. */
export const nextcloudFull: Scenario = {
  name: 'Nextcloud answers 507 (disk full)',
  async run({ chain, room, quick }) {
    const files = chain.nextcloud.webdav.files;
    const fullMs = quick ? 15_000 : 60_000;
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS,
      midCall: () => Promise.resolve(files.setQuota(RECORDER_USER, 1024)),
      afterCall: async (id) => {
        await chain.reached(id, 'uploading', 180_000);
        await sleep(fullMs);
        files.setQuota(RECORDER_USER, undefined);
      },
      deliveryTimeoutMs: 300_000,
    });
    return fromFate(fate, `quota full for ${fullMs / 1000} s after the upload began`);
  },
};
