import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureStarted, HPB_ROOMS_CONSUMER, HPB_ROOMS_STREAM, consumers, kv } from '@talkrec/contracts';
import {
  HpbStack,
  ManagedProcess,
  NatsServer,
  freePort,
  removeDir,
  startedOrLog,
  tempDir,
  waitForHttpOk,
} from '@talkrec/testing';
import { DecisionTap, StageActor, now } from './harness.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const GRACE_S = 2;
/**
 * The slowest takeover: the dead leader's lease runs out, then a stage event it held unacknowledged comes
 * back; plus room for a loaded machine.
 */
const TAKEOVER_MS = kv.leases.ttlMs + consumers.controllerEvents.ackWaitMs + 20_000;

/** The controller as its own process (from source), so it can be killed like a crash would. */
async function startControllerProcess(env: Record<string, string>, dir: string, name: string) {
  const opsPort = await freePort();
  const proc = new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: PROJECT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      LOG_LEVEL: 'info',
      OPS_LISTEN: `127.0.0.1:${opsPort}`,
      TALK_API_LISTEN: `127.0.0.1:${await freePort()}`,
      ADMIN_API_LISTEN: 'off',
      INSTANCE_ID: name,
      ...env,
    },
    logFile: path.join(dir, `${name}.log`),
  });
  await startedOrLog(proc, waitForHttpOk(`http://127.0.0.1:${opsPort}/readyz`, 60_000));
  return proc;
}

describe('controller crash (SIGKILL) in the middle of a call', () => {
  let dir: string;
  let stack: HpbStack;
  let nats: NatsServer;
  let decisions: DecisionTap;
  let stages: StageActor;
  const procs: ManagedProcess[] = [];

  beforeAll(async () => {
    dir = await tempDir('controller-restart');
    nats = await NatsServer.start();
    stack = await HpbStack.start({ nats });
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
  });

  afterAll(async () => {
    for (const p of procs) await p.stop(2_000);
    await stages?.stop();
    await decisions?.stop();
    await stack?.stop();
    await nats?.stop();
    await removeDir(dir);
  });

  it('loses no HPB event, stage event or recording across a kill and restart', async () => {
    const env = {
      NATS_URL: nats.url,
      NEXTCLOUD_URL: stack.nextcloud.url,
      TALK_RECORDING_SECRET: stack.nextcloud.recordingSecret,
      AUTO_RECORD: 'all',
      CALL_GRACE_S: String(GRACE_S),
    };
    const hpb = stack.nextcloud.hpb;
    stack.nextcloud.directory.addRoom('crash1', ['alice']);
    stack.nextcloud.directory.addRoom('crash2', ['bob']);
    const alice = await stack.connectUser('alice', 'crash1');
    const bob = await stack.connectUser('bob', 'crash2');

    const first = await startControllerProcess(env, dir, 'controller-a');
    procs.push(first);
    await hpb.joinCall('crash1', 'alice');
    const recording = await decisions.waitForRequested('crash1', 30_000);
    await decisions.waitForTransition(recording.recordingId, 'starting');

    expect(await first.kill()).not.toBe(0);
    // While no controller runs: the call in crash1 ends, a call starts in crash2, and media starts
    // flowing for the crash1 recording.
    await stages.event(CaptureStarted, {
      v: 1,
      recordingId: recording.recordingId,
      at: now(),
      instanceId: 'cap',
      resumed: false,
      nextIndex: 0,
    });
    await hpb.leaveCall('crash1', 'alice');
    await hpb.joinCall('crash2', 'bob');

    const second = await startControllerProcess(env, dir, 'controller-b');
    procs.push(second);
    // The new instance leads once the dead one's lease has expired, then works off what it missed.
    await decisions.waitForTransition(recording.recordingId, 'recording', TAKEOVER_MS);
    const stopping = await decisions.waitForTransition(recording.recordingId, 'stopping', TAKEOVER_MS);
    expect(stopping.reason).toBe('call ended (everyone-left)');
    await decisions.waitForRequested('crash2', 5_000);
    // The grace period runs from when the controller learns that everyone left, so crash1 stops after
    // crash2's call (learnt at the same moment) is recorded.
    expect(decisions.decisions(['crash1', 'crash2'])).toEqual([
      'requested crash1',
      'requested crash2',
      'stopping crash1: call ended (everyone-left)',
    ]);
    const jsm = await stages.js.jetstreamManager();
    const hpbConsumer = await jsm.consumers.info(HPB_ROOMS_STREAM, HPB_ROOMS_CONSUMER);
    expect(hpbConsumer.num_pending).toBe(0);
    expect(second.log()).toMatch(/"msg":"leading"/);
    await alice.close();
    await bob.close();
  }, 180_000);
});
