import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import {
  RecordingUploaded,
  UploadJob,
  mediaObjects,
  objectStores,
  subjects,
  type UploadTarget,
} from '@talkrec/contracts';
import {
  MediaStore,
  Publisher,
  createLogger,
  ensureObjectStore,
  newRecordingId,
  resolveBackends,
} from '@talkrec/platform';
// The benchmark drives the uploader against the test harness's servers, as its tests do.
import { NatsServer, NatsTap, NextcloudStandIn, ServiceProcess } from '@talkrec/testing';
import type { WorkFiles } from '../adapters/fs/work-files.js';
import { loadUploaderConfig, type UploaderConfig } from '../config.js';
import { freshRecord } from '../core/upload-record.js';
import type { DeliveryContext } from '../delivery/delivery.js';
import { TalkDelivery } from '../delivery/talk-delivery.js';
import { TalkApi } from '../adapters/talk/talk-api.js';
import { ShareApi } from '../adapters/nextcloud/share-api.js';
import { WebdavDelivery } from '../delivery/webdav-delivery.js';

/**
 * `upload.*` figures (shared/docs/bench.md): upload speed to the talk and webdav targets, and the
 * upload part of "capture finished → file confirmed" for a 30-minute recording, all against the
 * Nextcloud stand-in on loopback. JSON lines on stdout, a human table on stderr.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** 30 minutes of 720p at veryfast/crf 25 (the encoder's default), about 190 MB. */
const THIRTY_MINUTES_BYTES = 190_000_000;
const SPEED_FILE_BYTES = 256 * MiB;
const RUNS = 3;

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? (process.argv[i + 1] ?? '') : '';
})();
/** `--only <prefix>`: figures whose names start with it, and the measurements that produce them. */
const wanted = (metric: string) => metric.startsWith(only);
const measures = (prefix: string) => prefix.startsWith(only) || only.startsWith(prefix);

function report(metric: string, value: number, unit: string, n: number, note: string): void {
  process.stdout.write(`${JSON.stringify({ metric, value: Number(value.toFixed(3)), unit, n, note })}\n`);
  process.stderr.write(
    `${metric.padEnd(44)} ${value.toFixed(3).padStart(10)} ${unit.padEnd(6)} n=${n}  ${note}\n`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function mediaFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  const block = randomBytes(MiB);
  try {
    for (let offset = 0; offset < bytes; offset += MiB) {
      await handle.write(block, 0, Math.min(MiB, bytes - offset), offset);
    }
  } finally {
    await handle.close();
  }
}

const silent = createLogger({ service: 'bench', instanceId: 'bench', level: 'silent' });

/** One delivery of a local file, timed (no object store, no bus: the upload alone). */
async function timedDelivery(
  deliver: (dc: DeliveryContext) => Promise<unknown>,
  file: string,
  bytes: number,
  target: UploadTarget,
  nc: NextcloudStandIn,
): Promise<number> {
  const job = {
    v: 1 as const,
    recordingId: newRecordingId(),
    at: new Date().toISOString(),
    object: 'unused',
    fileName: `Recording ${Date.now()}.mp4`,
    mime: 'video/mp4',
    bytes,
    sha256: '0'.repeat(64),
    target,
    room: { backendId: 'nextcloud', backendUrl: nc.url, token: 'room1' },
  };
  const dc: DeliveryContext = {
    job,
    record: freshRecord(job, Date.now()),
    save: () => Promise.resolve(),
    file: () =>
      Promise.resolve({
        path: file,
        size: bytes,
        available: () => Promise.resolve(),
        complete: Promise.resolve(),
      }),
    progress: () => undefined,
    signal: new AbortController().signal,
    log: silent,
    startedAt: Date.now(),
    now: Date.now,
  };
  const t0 = performance.now();
  await deliver(dc);
  return (performance.now() - t0) / 1000;
}

async function uploadSpeed(dir: string, nc: NextcloudStandIn, config: UploaderConfig): Promise<void> {
  const file = path.join(dir, 'speed.mp4');
  await mediaFile(file, SPEED_FILE_BYTES);
  // Only the speaking-times sidecar would need the media store; these jobs have none.
  const talk = new TalkDelivery(config, resolveBackends(config), {} as WorkFiles, new TalkApi());
  const webdav = new WebdavDelivery(config, new ShareApi());
  const talkTimes: number[] = [];
  const webdavTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    talkTimes.push(
      await timedDelivery(
        (dc) => talk.deliver(dc, { kind: 'talk', owner: 'alice' }),
        file,
        SPEED_FILE_BYTES,
        { kind: 'talk', owner: 'alice' },
        nc,
      ),
    );
    const target = { kind: 'webdav' as const, account: 'nc', path: `bench/${i}.mp4`, shareToRoom: false };
    webdavTimes.push(
      await timedDelivery((dc) => webdav.deliver(dc, target), file, SPEED_FILE_BYTES, target, nc),
    );
  }
  const perGiB = (s: number) => s / (SPEED_FILE_BYTES / GiB);
  const note = `${SPEED_FILE_BYTES / MiB} MiB file, ${config.UPLOAD_CHUNK_BYTES / MiB} MiB chunks, stand-in on loopback in the same Node process, runs alternate`;
  if (wanted('upload.seconds_per_gib')) {
    report(
      'upload.seconds_per_gib',
      perGiB(median(talkTimes)),
      's',
      RUNS,
      `talk target (request-upload + chunking v2 + store), ${note}`,
    );
  }
  if (wanted('upload.seconds_per_gib.webdav')) {
    report(
      'upload.seconds_per_gib.webdav',
      perGiB(median(webdavTimes)),
      's',
      RUNS,
      `webdav target (Nextcloud account, chunking v2), ${note}`,
    );
  }
}

/** The built uploader runs as its own process (as deployed), so it does not share a thread with the stand-in. */
async function jobToConfirmed(dir: string, nc: NextcloudStandIn): Promise<void> {
  const nats = await NatsServer.start();
  const uploader = await ServiceProcess.start('uploader', {
    NATS_URL: nats.url,
    LOG_LEVEL: 'warn',
    WORK_DIR: path.join(dir, 'work-service'),
    NEXTCLOUD_URL: nc.url,
    TALK_RECORDING_SECRET: nc.recordingSecret,
  });
  const nc2 = await connect({ servers: nats.url });
  const js = nc2.jetstream();
  const media = new MediaStore(await ensureObjectStore(js, objectStores.media));
  const publisher = new Publisher(nc2, js, 'controller');
  const tap = await NatsTap.start(nats.url, subjects.all);
  try {
    const file = path.join(dir, 'thirty-minutes.mp4');
    await mediaFile(file, THIRTY_MINUTES_BYTES);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const recordingId = newRecordingId();
      const object = mediaObjects.final(recordingId, 'mp4');
      const stored = await media.putFile(object, file);
      const t0 = performance.now();
      await publisher.job(UploadJob, subjects.uploadJob(recordingId), {
        v: 1,
        recordingId,
        at: new Date().toISOString(),
        object,
        fileName: `Recording 30min ${i}.mp4`,
        mime: 'video/mp4',
        bytes: stored.bytes,
        sha256: stored.sha256,
        target: { kind: 'talk', owner: 'alice' },
        room: { backendId: 'nextcloud', backendUrl: nc.url, token: 'room1' },
      });
      await tap.waitFor((m) => m.subject === subjects.event(RecordingUploaded, recordingId), 120_000);
      times.push((performance.now() - t0) / 1000);
      await media.delete(object);
    }
    if (!wanted('upload.finish_to_confirmed_s.upload_part')) return;
    report(
      'upload.finish_to_confirmed_s.upload_part',
      median(times),
      's',
      RUNS,
      `upload part only: UploadJob published → upload.done, ${(THIRTY_MINUTES_BYTES / 1e6).toFixed(0)} MB (30 min 720p veryfast crf 25), talk target, uploader as its own process: object-store fetch overlapped with the chunked upload, sha256 check, store; stand-in on loopback`,
    );
  } finally {
    await tap.stop();
    await uploader.cleanup();
    await nc2.close();
    await nats.stop();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'talkrec-uploader-bench-'));
  const nc = await new NextcloudStandIn().start();
  nc.directory.addRoom('room1', ['alice']);
  const alice = nc.directory.users.get('alice')!;
  const config = loadUploaderConfig({
    LOG_LEVEL: 'silent',
    OPS_LISTEN: '127.0.0.1:0',
    WORK_DIR: path.join(dir, 'work'),
    NEXTCLOUD_URL: nc.url,
    TALK_RECORDING_SECRET: nc.recordingSecret,
    WEBDAV_ACCOUNTS: JSON.stringify([
      {
        id: 'nc',
        url: `${nc.url}/remote.php/dav/files/alice`,
        username: 'alice',
        password: alice.appPassword,
      },
    ]),
  });
  try {
    if (measures('upload.seconds_per_gib')) await uploadSpeed(dir, nc, config);
    if (measures('upload.finish_to_confirmed_s')) await jobToConfirmed(dir, nc);
  } finally {
    await nc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
