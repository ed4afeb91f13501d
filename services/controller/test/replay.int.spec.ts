import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFinished } from '@talkrec/contracts';
import { NatsServer } from '@talkrec/testing';
import { talkrec } from './cli.js';
import {
  DecisionTap,
  StageActor,
  eventually,
  now,
  startTestController,
  type TestController,
} from './harness.js';
import { SCENARIO_DECISIONS, SCENARIO_GRACE_S } from './scenario.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../libs/testing/fixtures/hpb-0.4.1');
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl'));

/** `talkrec replay` of every captured session against a controller gives the live run's decisions. */
describe('talkrec replay of the hpb-0.4.1 captures', () => {
  let nats: NatsServer;
  let ctl: TestController;
  let decisions: DecisionTap;
  let stages: StageActor;

  beforeAll(async () => {
    nats = await NatsServer.start();
    ctl = await startTestController({
      NATS_URL: nats.url,
      NEXTCLOUD_URL: 'http://127.0.0.1:9',
      TALK_RECORDING_SECRET: 'secret',
      AUTO_RECORD: 'all',
      CALL_GRACE_S: SCENARIO_GRACE_S,
    });
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
    await eventually(() => ctl.controller.leadership.isLeader);
  });

  afterAll(async () => {
    await stages?.stop();
    await decisions?.stop();
    await ctl?.stop();
    await nats?.stop();
  });

  it.each(files.map((f, i) => [f, i === 0 ? '20' : '0'] as const))('%s at speed %s', async (file, speed) => {
    const room = file.includes('nomcu') ? 'nomcu001' : 'abcd1234';
    const from = decisions.tap.messages.length;
    const result = await talkrec(['replay', path.join(FIXTURES, file), '--speed', speed, '--nats', nats.url]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/replayed \d+ messages/);
    await eventually(() => decisions.decisions([room], from).length >= 2);
    expect(decisions.decisions([room], from)).toEqual(SCENARIO_DECISIONS(room));
    const id = decisions.requested().findLast((r) => r.spec.room.token === room)!.recordingId;
    // Act as the capture so the room is free for the next replay.
    await stages.event(CaptureFinished, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'c',
      lastIndex: -1,
      reason: 'stop-requested',
    });
    await decisions.waitForTransition(id, 'failed');
  });
});
