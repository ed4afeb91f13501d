import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssembleJob,
  CaptureFinished,
  CaptureJob,
  CaptureStarted,
  EncodeSegmentJob,
  RecordingEncoded,
  RecordingUploaded,
  SegmentCaptured,
  SegmentEncoded,
  UploadJob,
  decode,
  mediaObjects,
  objectStores,
  subjects,
  type MessageContract,
  type PayloadOf,
} from '@talkrec/contracts';
import { NatsServer, NatsTap } from '@talkrec/testing';
import { talkrec } from './cli.js';
import {
  DecisionTap,
  StageActor,
  eventually,
  now,
  startTestController,
  type TestController,
} from './harness.js';

const TOKEN = 'admin-token-for-tests';
const sha = (c: string) => c.repeat(64);

/**
 * The leader's orchestration, with the test acting as capture, encoder and uploader (their events
 * published with the contracts, their jobs taken off the bus), driven through the admin API and CLI.
 */
describe('recording orchestration', () => {
  let nats: NatsServer;
  let ctl: TestController;
  let decisions: DecisionTap;
  let stages: StageActor;
  let jobs: NatsTap;
  const cli = (...args: string[]) =>
    talkrec(args, { TALKREC_ADMIN_URL: ctl.adminUrl, ADMIN_API_TOKEN: TOKEN });
  const admin = (method: string, path: string, body?: unknown, token = TOKEN) =>
    fetch(`${ctl.adminUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const job = async <C extends MessageContract>(
    contract: C,
    subject: string,
    nth = 0,
  ): Promise<PayloadOf<C>> => {
    await eventually(() => jobs.messages.filter((m) => m.subject === subject).length > nth);
    const d = decode(contract, jobs.messages.filter((m) => m.subject === subject)[nth]!.data);
    if (!d.ok) throw d.error;
    return d.value;
  };
  const segment = (recordingId: string, index: number): SegmentCaptured => ({
    v: 1,
    recordingId,
    instanceId: 'cap-1',
    index,
    object: mediaObjects.captured(recordingId, index, 'mkv'),
    container: 'mkv',
    startMs: index * 10_000,
    durationMs: 10_000,
    bytes: 100,
    sha256: sha(String(index)),
    hasVideo: true,
    hasAudio: true,
    gapBeforeMs: 0,
  });
  async function startByAdmin(room: string): Promise<string> {
    const res = await admin('POST', '/recordings', { roomToken: room });
    expect(res.status).toBe(202);
    const requested = await decisions.waitForRequested(room);
    expect(requested.spec.trigger).toEqual({ kind: 'admin', by: 'admin-api' });
    await decisions.waitForTransition(requested.recordingId, 'starting');
    return requested.recordingId;
  }

  beforeAll(async () => {
    nats = await NatsServer.start();
    ctl = await startTestController({
      NATS_URL: nats.url,
      NEXTCLOUD_URL: 'http://127.0.0.1:9',
      TALK_RECORDING_SECRET: 'secret',
      AUTO_RECORD: 'none',
      ADMIN_API_TOKEN: TOKEN,
    });
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
    jobs = await NatsTap.start(nats.url, subjects.all);
    await eventually(() => ctl.controller.leadership.isLeader);
  });

  afterAll(async () => {
    await jobs?.stop();
    await stages?.stop();
    await decisions?.stop();
    await ctl?.stop();
    await nats?.stop();
  });

  it('drives a recording through capture, per-segment encoding, assembly and upload, then deletes its media', async () => {
    const id = await startByAdmin('orch1');
    const capture = await job(CaptureJob, subjects.captureJob(id));
    expect(capture.spec.room.token).toBe('orch1');
    await stages.event(CaptureStarted, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap-1',
      resumed: false,
      nextIndex: 0,
    });
    await decisions.waitForTransition(id, 'recording');
    for (const i of [0, 1, 2]) await stages.event(SegmentCaptured, segment(id, i));
    const encodes = await Promise.all(
      [0, 1, 2].map((n) => job(EncodeSegmentJob, subjects.encodeSegmentJob(id), n)),
    );
    expect(encodes.map((e) => [e.segment.index, e.previous?.index])).toEqual([
      [0, undefined],
      [1, 0],
      [2, 1],
    ]);

    const stop = await cli('stop', id);
    expect(stop.code).toBe(0);
    expect((await decisions.waitForTransition(id, 'stopping')).reason).toBe('cli stop');
    await stages.event(CaptureFinished, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap-1',
      lastIndex: 2,
      reason: 'stop-requested',
    });
    await decisions.waitForTransition(id, 'captured');
    for (const i of [0, 1, 2]) {
      await stages.event(SegmentEncoded, {
        v: 1,
        recordingId: id,
        at: now(),
        index: i,
        object: mediaObjects.encoded(id, i, 'mp4'),
        bytes: 10,
        durationMs: 10_000 - i,
      });
    }
    const assemble = await job(AssembleJob, subjects.assembleJob(id));
    expect(assemble.parts.map((p) => [p.index, p.startMs, p.durationMs])).toEqual([
      [0, 0, 10_000],
      [1, 10_000, 9_999],
      [2, 20_000, 9_998],
    ]);
    await decisions.waitForTransition(id, 'encoding');

    const os = await stages.js.views.os(objectStores.media.bucket);
    await os.putBlob({ name: mediaObjects.captured(id, 0, 'mkv') }, new Uint8Array([1, 2, 3]));
    await os.putBlob({ name: mediaObjects.final(id, 'mp4') }, new Uint8Array([4, 5, 6]));
    await stages.event(RecordingEncoded, {
      v: 1,
      recordingId: id,
      at: now(),
      object: mediaObjects.final(id, 'mp4'),
      fileName: capture.spec.fileName,
      container: 'mp4',
      mime: 'video/mp4',
      bytes: 3,
      sha256: sha('f'),
      durationMs: 29_997,
      gapMs: 0,
    });
    const upload = await job(UploadJob, subjects.uploadJob(id));
    expect(upload).toMatchObject({
      object: mediaObjects.final(id, 'mp4'),
      target: { kind: 'local' },
      room: { token: 'orch1' },
    });
    await decisions.waitForTransition(id, 'uploading');
    await stages.event(RecordingUploaded, {
      v: 1,
      recordingId: id,
      at: now(),
      target: 'local',
      location: '/recordings/x.mp4',
      bytes: 3,
      sharedToRoom: false,
    });
    await decisions.waitForTransition(id, 'done');
    const state = await eventually(async () => {
      const res = await admin('GET', `/recordings/${id}`);
      const body = (await res.json()) as { mediaDeletedAt?: string };
      return body.mediaDeletedAt ? body : undefined;
    });
    expect(state).toMatchObject({ state: 'done', upload: { location: '/recordings/x.mp4' } });
    const left = (await os.list()).filter((o) => !o.deleted && o.name.startsWith(id));
    expect(left).toEqual([]);
  });

  it('marks a failed stage and retries it from the CLI', async () => {
    const id = await startByAdmin('orch2');
    await stages.event(SegmentCaptured, segment(id, 0));
    await admin('POST', `/recordings/${id}/stop`);
    await decisions.waitForTransition(id, 'stopping');
    await stages.event(CaptureFinished, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap-1',
      lastIndex: 0,
      reason: 'stop-requested',
    });
    await stages.publisher.stageFailed({
      stage: 'encode',
      recordingId: id,
      code: 'ffmpeg_failed',
      reason: 'segment 0: invalid data',
    });
    const failed = await decisions.waitForTransition(id, 'failed');
    expect(failed.failure).toMatchObject({ stage: 'encode', code: 'ffmpeg_failed' });

    const listed = await cli('recordings', '--state', 'failed');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('encode: ffmpeg_failed');
    expect((await cli('retry', id)).code).toBe(0);
    await decisions.waitForTransition(id, 'captured');
    const again = await job(EncodeSegmentJob, subjects.encodeSegmentJob(id), 1);
    expect(again.segment.index).toBe(0);
    // Retrying something that is not failed is refused.
    expect((await admin('POST', `/recordings/${id}/retry`)).status).toBe(409);
  });

  it('manages rules through the CLI and refuses the admin API without the token', async () => {
    expect((await cli('rules', 'set', 'nextcloud', 'ruleroom', '--mode', 'audio', '--min', '3')).code).toBe(
      0,
    );
    const list = await cli('rules', 'list');
    expect(JSON.parse(list.stdout)).toEqual({
      rules: [
        expect.objectContaining({
          backendId: 'nextcloud',
          roomToken: 'ruleroom',
          enabled: true,
          mode: 'audio',
          minParticipants: 3,
          updatedBy: 'cli',
        }),
      ],
    });
    expect((await cli('rules', 'delete', 'nextcloud', 'ruleroom')).code).toBe(0);
    expect((await cli('rules', 'delete', 'nextcloud', 'ruleroom')).code).toBe(1);
    expect((await admin('GET', '/recordings', undefined, 'wrong')).status).toBe(401);
    expect((await admin('GET', '/recordings/rec_00000000000000000000000000')).status).toBe(404);
    expect((await admin('POST', '/recordings', { roomToken: 'bad token!' })).status).toBe(400);
  });
});
