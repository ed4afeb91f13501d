import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamManager, ObjectStore } from 'nats';
import {
  kv as buckets,
  mediaObjects,
  objectStores,
  streams,
  type RecordingState,
  type RecordingStateName,
} from '@talkrec/contracts';
import { NatsServer } from '@talkrec/testing';
import { talkrec } from './cli.js';
import { DecisionTap, StageActor, eventually, newRecordingId, startTestController } from './harness.js';
import { objectStoreStream } from '../src/topology.js';
import { stageEvents } from './stages.js';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** A controller with the test acting as capture, encoder and uploader, and media in the object store. */
async function setUp(env: Record<string, string>) {
  const nats = await NatsServer.start();
  const ctl = await startTestController({
    NATS_URL: nats.url,
    NEXTCLOUD_URL: 'http://127.0.0.1:9',
    TALK_RECORDING_SECRET: 'secret',
    AUTO_RECORD: 'none',
    MEDIA_DELETE_GRACE_S: '3600',
    FAILED_RETENTION_DAYS: '7',
    ...env,
  });
  const decisions = await DecisionTap.start(nats.url);
  const stages = await StageActor.start(nats.url);
  const os = await stages.js.views.os(objectStores.media.bucket);
  const jsm = await stages.nc.jetstreamManager();
  await eventually(() => ctl.controller.leadership.isLeader, 30_000);
  let rooms = 0;
  const admin = async (method: string, path: string) => {
    const res = await fetch(`${ctl.adminUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' && path === '/recordings'
        ? { body: JSON.stringify({ roomToken: `ret${++rooms}` }) }
        : {}),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const started = async (): Promise<string> => {
    await admin('POST', '/recordings');
    const id = (await decisions.waitForRequested(`ret${rooms}`, 30_000)).recordingId;
    await decisions.waitForTransition(id, 'starting', 30_000);
    return id;
  };
  return { nats, ctl, decisions, stages, os, jsm, admin, started };
}

async function putMedia(os: ObjectStore, id: string): Promise<void> {
  await os.putBlob({ name: mediaObjects.captured(id, 0, 'mkv') }, new Uint8Array(2048));
  await os.putBlob({ name: mediaObjects.encoded(id, 0, 'mp4') }, new Uint8Array(1024));
}
async function mediaOf(os: ObjectStore): Promise<Set<string>> {
  return new Set((await os.list()).filter((o) => !o.deleted).map((o) => o.name.split('/')[0]!));
}

describe('retention: talkrec purge', () => {
  let t: Awaited<ReturnType<typeof setUp>>;
  const ids = {} as Record<string, string>;

  beforeAll(async () => {
    t = await setUp({ RETENTION_CHECK_S: '3600' });
    const ev = (id: string) => stageEvents(t.stages, id);
    const wait = (id: string, to: RecordingStateName) => t.decisions.waitForTransition(id, to, 30_000);

    ids.starting = await t.started();
    ids.recording = await t.started();
    await ev(ids.recording).captureStarted();
    await wait(ids.recording, 'recording');
    ids.stopping = await t.started();
    await t.admin('POST', `/recordings/${ids.stopping}/stop`);
    await wait(ids.stopping, 'stopping');
    ids.captured = await t.started();
    await ev(ids.captured).segment(0);
    await t.admin('POST', `/recordings/${ids.captured}/stop`);
    await wait(ids.captured, 'stopping');
    await ev(ids.captured).finished(0);
    await wait(ids.captured, 'captured');
    for (const name of ['encoding', 'uploading', 'done', 'doneLongAgo'] as const) {
      const id = (ids[name] = await t.started());
      await ev(id).segment(0);
      await t.admin('POST', `/recordings/${id}/stop`);
      await wait(id, 'stopping');
      await ev(id).finished(0);
      await ev(id).encoded(0);
      await wait(id, 'encoding');
      if (name === 'encoding') continue;
      await ev(id).assembled('Recording.mp4');
      await wait(id, 'uploading');
    }
    ids.failed = await t.started();
    await ev(ids.failed).failed('capture');
    await wait(ids.failed, 'failed');
    ids.failedLongAgo = await t.started();
    await ev(ids.failedLongAgo).failed('capture', ago(8 * DAY));
    await wait(ids.failedLongAgo, 'failed');
    // `requested` and `encoded` only last for a step: put such states in the bucket as a crashed leader
    // would have left them.
    const recordings = await t.stages.js.views.kv(buckets.recordings.bucket);
    const template = (await t.admin('GET', `/recordings/${ids.starting}`)) as unknown as RecordingState;
    for (const name of ['requested', 'encoded'] as const) {
      const id = (ids[name] = newRecordingId(Date.now()));
      await recordings.put(id, JSON.stringify({ ...template, recordingId: id, state: name }));
    }
    for (const id of Object.values(ids)) await putMedia(t.os, id);
    await ev(ids.done!).uploaded();
    await wait(ids.done!, 'done');
    // Past the grace already: the controller deletes its media at once, as after any confirmed upload.
    await ev(ids.doneLongAgo!).uploaded({ at: ago(2 * 3_600_000) });
    await wait(ids.doneLongAgo!, 'done');
    await eventually(async () => !(await mediaOf(t.os)).has(ids.doneLongAgo!), 30_000);
  });

  afterAll(async () => {
    await t?.stages.stop();
    await t?.decisions.stop();
    await t?.ctl.stop();
    await t?.nats.stop();
  });

  it('lists exactly what the policy lets go in a dry run, with recordings in every state', async () => {
    const plan = (await t.admin('GET', '/purge')) as {
      purge: Array<{ recordingId: string }>;
      keep: Array<{ recordingId: string; why: string; until?: string }>;
    };
    expect(plan.purge.map((p) => p.recordingId)).toEqual([ids.failedLongAgo]);
    const kept = Object.entries(ids)
      .filter(([name]) => name !== 'failedLongAgo' && name !== 'doneLongAgo')
      .map(([, id]) => id);
    expect(plan.keep.map((p) => p.recordingId).sort()).toEqual(kept.sort());
    expect(plan.keep.find((p) => p.recordingId === ids.failed)).toMatchObject({
      why: 'failed; kept for a retry',
      until: expect.any(String),
    });
    const dry = await talkrec(['purge', '--dry-run'], { TALKREC_ADMIN_URL: t.ctl.adminUrl });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would purge 1 recording(s)');
    expect(dry.stdout).toContain(`${ids.failedLongAgo}  failed`);
    expect(await mediaOf(t.os)).toContain(ids.failedLongAgo);
  });

  it('purges on demand only what the policy allows', async () => {
    const res = await talkrec(['purge'], { TALKREC_ADMIN_URL: t.ctl.adminUrl });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('purged 1 recording(s)');
    const left = await mediaOf(t.os);
    expect(left.has(ids.failedLongAgo!)).toBe(false);
    for (const [name, id] of Object.entries(ids)) {
      if (name !== 'failedLongAgo' && name !== 'doneLongAgo') expect(left.has(id), name).toBe(true);
    }
    const purged = (await t.admin('GET', `/recordings/${ids.failedLongAgo}`)) as unknown as RecordingState;
    expect(purged).toMatchObject({ state: 'failed', mediaDeletedAt: expect.any(String) });
    expect(t.ctl.logs.find((l) => l.msg === 'media purged')).toMatchObject({
      recordingId: ids.failedLongAgo,
      why: 'failed-expired',
      objects: 2,
      by: 'cli',
    });
    expect(((await t.admin('GET', '/purge')) as { purge: unknown[] }).purge).toEqual([]);
  });
});

describe('leader housekeeping: automatic purge and JetStream storage', () => {
  let t: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    t = await setUp({
      RETENTION_CHECK_S: '1',
      JETSTREAM_CHECK_S: '1',
      EVENTS_MAX_AGE_DAYS: '30',
      EVENTS_MAX_BYTES: '64MB',
      DLQ_MAX_BYTES: '8MB',
      MEDIA_MAX_BYTES: '512MB',
      JETSTREAM_STORAGE_LIMIT_BYTES: '1M',
      JETSTREAM_STORAGE_WARN_PERCENT: '50',
    });
  });

  afterAll(async () => {
    await t?.stages.stop();
    await t?.decisions.stop();
    await t?.ctl.stop();
    await t?.nats.stop();
  });

  it("purges a failed recording's media once the retention time has passed, and keeps a recent one", async () => {
    const old = await t.started();
    const recent = await t.started();
    await putMedia(t.os, old);
    await putMedia(t.os, recent);
    await stageEvents(t.stages, recent).failed('capture');
    await stageEvents(t.stages, old).failed('capture', ago(8 * DAY));
    await t.decisions.waitForTransition(old, 'failed', 30_000);
    await eventually(async () => !(await mediaOf(t.os)).has(old), 30_000);
    expect(await mediaOf(t.os)).toContain(recent);
    expect(t.ctl.logs.find((l) => l.msg === 'media purged')).toMatchObject({
      recordingId: old,
      by: 'retention',
    });
  });

  it('sets the stream and media store limits from config and puts them back when something resets them', async () => {
    const limits = async (jsm: JetStreamManager, name: string) => {
      const c = (await jsm.streams.info(name)).config;
      return [c.max_bytes, c.max_age];
    };
    const day = 86_400 * 1e9;
    expect(await limits(t.jsm, streams.events.name)).toEqual([64 * 1024 ** 2, 30 * day]);
    expect((await limits(t.jsm, streams.deadLetters.name))[0]).toBe(8 * 1024 ** 2);
    expect((await limits(t.jsm, objectStoreStream(objectStores.media.bucket)))[0]).toBe(512 * 1024 ** 2);
    const c = (await t.jsm.streams.info(streams.events.name)).config;
    await t.jsm.streams.update(streams.events.name, { ...c, max_bytes: -1 });
    await eventually(async () => (await limits(t.jsm, streams.events.name))[0] === 64 * 1024 ** 2, 30_000);
    // The log line crosses a pipe after the update it reports, so it can arrive after the limits show.
    await eventually(
      async () => t.ctl.logs.some((l) => l.msg === 'stream limits put back to the configured values'),
      10_000,
    );
  });

  it('warns and exports a metric when JetStream storage passes the threshold', async () => {
    await t.os.putBlob(
      { name: mediaObjects.final(newRecordingId(Date.now()), 'mp4') },
      new Uint8Array(700 * 1024),
    );
    const warning = await eventually(
      () => t.ctl.logs.find((l) => l.msg === 'jetstream storage above threshold' && l.scope === 'account'),
      30_000,
    );
    expect(warning).toMatchObject({ level: 'warn', limitBytes: 1024 ** 2 });
    const text = await t.ctl.runtime.metrics.registry.metrics();
    expect(text).toMatch(/talkrec_jetstream_storage_bytes\{service="controller"\} [1-9]\d*/);
    expect(text).toContain('talkrec_jetstream_storage_limit_bytes{service="controller"} 1048576');
    expect(text).toMatch(
      /talkrec_jetstream_stream_limit_bytes\{stream="TALKREC_EVENTS",service="controller"\} 67108864/,
    );
  });
});
