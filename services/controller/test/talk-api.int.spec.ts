import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFinished, CaptureStarted, streams, subjects } from '@talkrec/contracts';
import { NatsServer, NextcloudStandIn } from '@talkrec/testing';
import {
  DecisionTap,
  StageActor,
  eventually,
  now,
  startTestController,
  type TestController,
} from './harness.js';

/**
 * Talk's recording-server API against a real nats-server: Talk is the stand-in, which signs requests
 * and checks the callbacks exactly as Talk does; the test acts as the capture.
 */
describe('Talk recording-server API', () => {
  let nats: NatsServer;
  let nc: NextcloudStandIn;
  let ctl: TestController;
  let decisions: DecisionTap;
  let stages: StageActor;
  let roomNo = 0;
  const newRoom = () => {
    const token = `talkroom${++roomNo}`;
    nc.directory.addRoom(token, ['alice', 'bob']);
    return token;
  };

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await new NextcloudStandIn().start();
    ctl = await startTestController({
      NATS_URL: nats.url,
      NEXTCLOUD_URL: nc.url,
      TALK_RECORDING_SECRET: nc.recordingSecret,
      AUTO_RECORD: 'none',
    });
    nc.talkRecording.serverUrl = ctl.talkUrl;
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
    await eventually(() => ctl.controller.leadership.isLeader);
  });

  afterAll(async () => {
    await stages?.stop();
    await decisions?.stop();
    await ctl?.stop();
    await nc?.stop();
    await nats?.stop();
  });

  it('answers welcome with its version, a correct Date header and no signaling feature header', async () => {
    const res = await fetch(`${ctl.talkUrl}/api/v1/welcome`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: expect.any(String) });
    expect(Math.abs(Date.parse(res.headers.get('date')!) - Date.now())).toBeLessThan(2_000);
    expect(res.headers.get('x-spreed-signaling-features')).toBeNull();
    expect(await nc.talkRecording.welcome()).toMatchObject({ status: 200, problems: [] });
  });

  it('starts on a signed start (200 {} at once), sends started once media flows and stopped at the end', async () => {
    const room = newRoom();
    const answer = await nc.talkRecording.start(room, { status: 1, owner: 'alice' });
    expect(answer).toEqual({ status: 200, body: '{}' });
    const requested = await decisions.waitForRequested(room);
    expect(requested.spec.trigger).toEqual({
      kind: 'talk',
      owner: 'alice',
      actor: { type: 'users', id: 'alice' },
      status: 1,
    });
    expect(requested.spec.upload).toEqual({ kind: 'talk', owner: 'alice' });
    const id = requested.recordingId;
    await decisions.waitForTransition(id, 'starting');
    const jsm = await stages.js.jetstreamManager();
    const job = await jsm.streams.getMessage(streams.captureJobs.name, {
      last_by_subj: subjects.captureJob(id),
    });
    expect(job.subject).toBe(subjects.captureJob(id));
    // Talk's status is 3 (starting) until the recorder says `started`.
    expect(nc.directory.rooms.get(room)!.recordingStatus).toBe(3);
    await stages.event(CaptureStarted, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap-1',
      resumed: false,
      nextIndex: 0,
    });
    const started = await nc.talkRecording.waitForCallback(
      (c) => c.callback?.type === 'started' && c.callback.started.token === room,
    );
    expect(started.status).toBe(200);
    expect(started.callback).toEqual({
      type: 'started',
      started: { token: room, status: 1, actor: { type: 'users', id: 'alice' } },
    });
    expect(nc.directory.rooms.get(room)!.recordingStatus).toBe(1);

    expect(await nc.talkRecording.stop(room, { type: 'users', id: 'bob' })).toEqual({
      status: 200,
      body: '{}',
    });
    await decisions.waitForTransition(id, 'stopping');
    await stages.event(CaptureFinished, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap-1',
      lastIndex: -1,
      reason: 'stop-requested',
    });
    const stopped = await nc.talkRecording.waitForCallback(
      (c) => c.callback?.type === 'stopped' && c.callback.stopped.token === room,
    );
    expect(stopped.callback).toEqual({
      type: 'stopped',
      stopped: { token: room, actor: { type: 'users', id: 'bob' } },
    });
    expect(nc.directory.rooms.get(room)!.recordingStatus).toBe(0);
    expect(nc.violations).toEqual([]);
  });

  it('answers a duplicate start with 200 and keeps one recording', async () => {
    const room = newRoom();
    expect((await nc.talkRecording.start(room)).status).toBe(200);
    const first = await decisions.waitForRequested(room);
    await decisions.waitForTransition(first.recordingId, 'starting');
    expect((await nc.talkRecording.start(room)).status).toBe(200);
    expect((await nc.talkRecording.start(room, { status: 2 })).status).toBe(200);
    // The commands stream is drained by the leader before this check.
    await eventually(async () => {
      const info = await (
        await stages.js.jetstreamManager()
      ).consumers.info(streams.commands.name, 'controller-commands');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(decisions.requested().filter((r) => r.spec.room.token === room)).toHaveLength(1);
  });

  it('answers 404 to a stop for a room without a recording, and Talk marks the room failed', async () => {
    const room = newRoom();
    expect((await nc.talkRecording.stop(room)).status).toBe(404);
    expect(nc.directory.rooms.get(room)!.recordingStatus).toBe(5);
  });

  it('accepts the automatic stop sent as "stop": []', async () => {
    const room = newRoom();
    await nc.talkRecording.start(room);
    const requested = await decisions.waitForRequested(room);
    await decisions.waitForTransition(requested.recordingId, 'starting');
    expect(await nc.talkRecording.stop(room)).toEqual({ status: 200, body: '{}' });
    const t = await decisions.waitForTransition(requested.recordingId, 'stopping');
    expect(t.reason).toBe('talk stop');
  });

  it('refuses forged checksums, missing headers and unknown backends with 403', async () => {
    const room = newRoom();
    const start = {
      type: 'start',
      start: { status: 1, owner: 'alice', actor: { type: 'users', id: 'alice' } },
    };
    const t = nc.talkRecording;
    expect((await t.request(room, start, { checksum: '0'.repeat(64) })).status).toBe(403);
    for (const h of ['random', 'checksum', 'backend'] as const) {
      expect((await t.request(room, start, { omit: [h] })).status).toBe(403);
    }
    expect((await t.request(room, start, { backendUrl: 'https://other.example.com/' })).status).toBe(403);
    const metrics = await (await fetch(`http://127.0.0.1:${ctl.config.OPS_LISTEN.port}/metrics`)).text();
    expect(metrics).toMatch(/talkrec_rejected_total\{[^}]*source="talk-api"[^}]*\} [1-9]/);
  });

  it('refuses an oversize body and malformed JSON with 400', async () => {
    const room = newRoom();
    const big = {
      type: 'start',
      start: { status: 1, owner: 'x'.repeat(2000), actor: { type: 'users', id: 'alice' } },
    };
    expect((await nc.talkRecording.request(room, big)).status).toBe(400);
    expect((await nc.talkRecording.request(room, undefined, { raw: '{"type":"start",' })).status).toBe(400);
    expect((await nc.talkRecording.request(room, { type: 'pause' })).status).toBe(400);
    expect((await nc.talkRecording.request(room, { type: 'start', start: { status: 1 } })).status).toBe(400);
  });

  it('keeps retrying a callback while Nextcloud is down and delivers it when it is back', async () => {
    const room = newRoom();
    await nc.talkRecording.start(room, { status: 2 });
    const requested = await decisions.waitForRequested(room);
    expect(requested.spec.mode).toBe('audio');
    await decisions.waitForTransition(requested.recordingId, 'starting');
    nc.http.faults.push({
      match: (m, p) => m === 'POST' && p.endsWith('/recording/backend'),
      status: 503,
      times: 2,
    });
    await stages.event(CaptureStarted, {
      v: 1,
      recordingId: requested.recordingId,
      at: now(),
      instanceId: 'c',
      resumed: false,
      nextIndex: 0,
    });
    const started = await nc.talkRecording.waitForCallback(
      (c) => c.callback?.type === 'started' && c.callback.started.token === room,
      20_000,
    );
    expect(started.callback).toMatchObject({ started: { status: 2 } });
    const attempts = nc.http.requests.filter(
      (r) => r.path.endsWith('/recording/backend') && r.status === 503,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(nc.violations).toEqual([]);
  });
});
