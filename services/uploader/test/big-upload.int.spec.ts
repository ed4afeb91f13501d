import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, newRecordingId, resolveBackends } from '@talkrec/platform';
import { NextcloudStandIn } from '@talkrec/testing';
import { loadUploaderConfig } from '../src/config.js';
import { freshRecord } from '../src/core/upload-record.js';
import type { WorkFiles } from '../src/adapters/fs/work-files.js';
import type { DeliveryContext } from '../src/delivery/delivery.js';
import { TalkDelivery } from '../src/delivery/talk-delivery.js';
import { TalkApi } from '../src/adapters/talk/talk-api.js';
import { MiB, mediaFile, sha256File } from './harness.js';

const GiB = 1024 * MiB;

describe('a 2 GiB recording to Talk in chunks', () => {
  let nc: NextcloudStandIn;
  let dir: string;
  let big: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'talkrec-uploader-big-'));
    big = await mediaFile(dir, 2 * GiB, 'big.mp4');
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom('room1', ['alice']);
  }, 120_000);
  afterAll(async () => {
    await nc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams every chunk from disk and into the server (no buffering), and the result is the same file', async () => {
    const config = loadUploaderConfig({ NEXTCLOUD_URL: nc.url, TALK_RECORDING_SECRET: nc.recordingSecret });
    // Only the speaking-times sidecar would need the media store; this job has none.
    const delivery = new TalkDelivery(config, resolveBackends(config), {} as WorkFiles, new TalkApi());
    const job = {
      v: 1 as const,
      recordingId: newRecordingId(),
      at: new Date().toISOString(),
      object: 'unused',
      fileName: 'Recording 2026-01-02 10-00-00.mp4',
      mime: 'video/mp4',
      bytes: 2 * GiB,
      sha256: 'a'.repeat(64),
      target: { kind: 'talk' as const, owner: 'alice' },
      room: { backendId: 'nextcloud', backendUrl: nc.url, token: 'room1' },
    };
    const progress: number[] = [];
    const dc: DeliveryContext = {
      job,
      record: freshRecord(job, Date.now()),
      save: async () => undefined,
      file: async () => ({
        path: big,
        size: 2 * GiB,
        available: () => Promise.resolve(),
        complete: Promise.resolve(),
      }),
      progress: (sent) => progress.push(sent),
      signal: new AbortController().signal,
      log: createLogger({ service: 'test', instanceId: 't', level: 'silent' }),
      startedAt: Date.now(),
      now: Date.now,
    };
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      await delivery.deliver(dc, job.target);
    } finally {
      clearInterval(sampler);
    }
    expect(nc.violations).toEqual([]);
    expect(nc.talkUpload.stored).toEqual([expect.objectContaining({ via: 'chunked', bytes: 2 * GiB })]);
    const chunkPuts = nc.http.requests.filter(
      (r) => r.method === 'PUT' && r.path.startsWith('/public.php/dav/uploads/'),
    );
    expect(chunkPuts).toHaveLength(205);
    expect(chunkPuts.every((r) => r.status === 201)).toBe(true);
    expect(progress.at(-1)).toBe(2 * GiB);
    // Uploader and stand-in share this process: neither may hold a chunk, let alone the file, in memory.
    expect(peak - baseline).toBeLessThan(200 * MiB);
    expect(await nc.webdav.files.sha256('alice', nc.talkUpload.stored[0]!.path)).toBe(await sha256File(big));
  }, 300_000);
});
