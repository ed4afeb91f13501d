import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mediaObjects } from '@talkrec/contracts';
import { NextcloudStandIn } from '@talkrec/testing';
import { MiB, UploaderHarness, mediaFile, sha256File, type RunningUploader } from './harness.js';
import { waitForLog } from './wait.js';

const OWNER = 'alice';
const TOKEN = 'room1';

/** Chunk PUTs into upload shares, as the stand-in logged them: chunk number → statuses in order. */
function chunkPuts(nc: NextcloudStandIn): Map<number, Array<number | undefined>> {
  const puts = new Map<number, Array<number | undefined>>();
  for (const r of nc.http.requests) {
    const m = /^\/public\.php\/dav\/uploads\/[^/]+\/[^/]+\/(\d+)$/.exec(r.path);
    if (r.method !== 'PUT' || !m) continue;
    const n = Number(m[1]);
    puts.set(n, [...(puts.get(n) ?? []), r.status]);
  }
  return puts;
}

describe('talk target: request-upload, chunked upload into the share, store', () => {
  let h: UploaderHarness;
  let nc: NextcloudStandIn;
  let uploader: RunningUploader | undefined;
  let file12: string;
  let file22: string;

  beforeAll(async () => {
    h = await UploaderHarness.start();
    file12 = await mediaFile(h.dir, 12 * MiB, 'twelve.mp4');
    file22 = await mediaFile(h.dir, 22 * MiB, 'twentytwo.mp4');
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    await h.reset();
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom(TOKEN, [OWNER, 'bob']);
  });
  afterEach(async () => {
    await uploader?.stop();
    uploader = undefined;
    await nc.stop();
  });

  const start = async (env: Record<string, string> = {}) => {
    uploader = await h.startUploader({
      NEXTCLOUD_URL: nc.url,
      TALK_RECORDING_SECRET: nc.recordingSecret,
      ...env,
    });
    return uploader;
  };
  const talkJob = (file: string) =>
    h.job(file, { kind: 'talk', owner: OWNER }, { backendUrl: nc.url, token: TOKEN });
  const storedSha = () => nc.webdav.files.sha256(OWNER, nc.talkUpload.stored[0]!.path);

  it('delivers with every request signed and shaped as Talk checks, the speaking times beside the file', async () => {
    await start();
    const job = await talkJob(file12);
    const times = { recordingStartTimestamp: 1767348000, intervals: [] };
    await h.media.putBytes(mediaObjects.speakingTimes(job.recordingId), Buffer.from(JSON.stringify(times)));
    await h.publish({ ...job, speakingTimesObject: mediaObjects.speakingTimes(job.recordingId) });

    const done = await h.uploaded(job.recordingId);
    expect(done).toMatchObject({
      target: 'talk',
      location: `/Talk/Recording/${TOKEN}/Recording 2026-01-02 10-00-00.mp4`,
      bytes: 12 * MiB,
      sharedToRoom: false,
    });
    expect(nc.violations).toEqual([]);
    expect(nc.talkUpload.stored).toEqual([
      expect.objectContaining({
        owner: OWNER,
        via: 'chunked',
        bytes: 12 * MiB,
        intervalsFileName: '.Recording 2026-01-02 10-00-00 speaking times.json',
        intervals: times,
      }),
    ]);
    expect(await storedSha()).toBe(job.sha256);
    expect([...chunkPuts(nc)]).toEqual([
      [1, [201]],
      [2, [201]],
      [3, [201]],
    ]);
    // Talk drops the upload share after the store.
    expect(nc.shares.linkShares.size).toBe(0);
    expect(h.progress(job.recordingId)).toEqual([0, 5 * MiB, 10 * MiB, 12 * MiB]);
  });

  it('falls back to the multipart store on a Talk without request-upload (404)', async () => {
    nc.talkUpload.options.chunkedUpload = false;
    await start();
    const job = await talkJob(file12);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(nc.talkUpload.stored).toEqual([expect.objectContaining({ via: 'multipart', bytes: 12 * MiB })]);
    expect(await storedSha()).toBe(job.sha256);
    expect(nc.violations).toEqual([]);
  });

  it('falls back to the multipart store when link sharing is disabled (400 sharing_disabled)', async () => {
    nc.talkUpload.options.publicUpload = false;
    await start();
    const job = await talkJob(file12);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(nc.talkUpload.stored).toEqual([expect.objectContaining({ via: 'multipart' })]);
  });

  it("fails at once with Talk's reason when it refuses the recording (file_mimetype)", async () => {
    nc.talkUpload.options.chunkedUpload = false;
    await start();
    const notMedia = await mediaFile(h.dir, MiB, 'not-media.mp4');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(notMedia, Buffer.alloc(MiB, 7));
    const job = await talkJob(notMedia);
    await h.publish(job);
    const failure = await h.failed(job.recordingId);
    expect(failure).toMatchObject({ code: 'talk_file_mimetype', attempt: 1 });
  });

  it('fails with too_large when the multipart store is refused by the proxy (413) or by PHP (size)', async () => {
    nc.talkUpload.options.chunkedUpload = false;
    nc.webdav.options.maxBodyBytes = 4 * MiB;
    await start();
    const byProxy = await talkJob(file12);
    await h.publish(byProxy);
    expect(await h.failed(byProxy.recordingId)).toMatchObject({ code: 'too_large', attempt: 1 });
    nc.webdav.options.maxBodyBytes = undefined;
    nc.talkUpload.options.maxPostBytes = 4 * MiB;
    const byPhp = await talkJob(file12);
    await h.publish(byPhp);
    expect(await h.failed(byPhp.recordingId)).toMatchObject({ code: 'too_large', attempt: 1 });
  });

  it('fails at once when Talk refuses the signature (wrong recording secret)', async () => {
    await start({ TALK_RECORDING_SECRET: 'not-the-secret' });
    const job = await talkJob(file12);
    await h.publish(job);
    const failure = await h.failed(job.recordingId);
    expect(failure).toMatchObject({ code: 'destination_auth', attempt: 1 });
    expect(failure.reason).toMatch(/check the recording secret/);
    expect(nc.violations.map((v) => v.area)).toEqual(['talk-upload']);
  });

  it('resumes after a server error mid-upload without sending confirmed chunks again', async () => {
    nc.http.faults.push({
      match: (method, path) => method === 'PUT' && /^\/public\.php\/dav\/uploads\/.+\/3$/.test(path),
      status: 503,
      times: 1,
    });
    await start();
    const job = await talkJob(file22);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect([...chunkPuts(nc)]).toEqual([
      [1, [201]],
      [2, [201]],
      [3, [503, 201]],
      [4, [201]],
      [5, [201]],
    ]);
    // The second attempt listed the upload folder before going on.
    expect(
      nc.http.requests.filter((r) => r.method === 'PROPFIND' && r.path.includes('/uploads/')),
    ).toHaveLength(1);
    expect(await storedSha()).toBe(job.sha256);
    expect(nc.violations).toEqual([]);
  });

  it('resumes after the connection breaks in the middle of a chunk', async () => {
    nc.webdav.dropConnectionDuringChunk(2, MiB);
    await start();
    const job = await talkJob(file12);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(chunkPuts(nc).get(1)).toEqual([201]);
    expect(chunkPuts(nc).get(2)).toEqual([undefined, 201]);
    expect(await storedSha()).toBe(job.sha256);
  });

  it('waits out a Nextcloud outage and finishes the upload when it is back', async () => {
    const running = await start();
    const job = await talkJob(file22);
    await h.publish(job);
    await h.confirmed(job.recordingId, 10 * MiB);
    await nc.goDown();
    await waitForLog(
      running.logs,
      (l) => l.msg === 'upload attempt failed, will retry' && l.code === 'destination_unreachable',
    );
    await nc.comeBack();
    await h.uploaded(job.recordingId);
    expect(chunkPuts(nc).get(1)).toEqual([201]);
    expect(chunkPuts(nc).get(2)).toEqual([201]);
    expect(await storedSha()).toBe(job.sha256);
  });

  it('keeps retrying while the server is full (507), loudly, and finishes once space is freed', async () => {
    nc.webdav.files.setQuota(OWNER, MiB);
    const running = await start();
    const job = await talkJob(file12);
    await h.publish(job);
    await waitForLog(
      running.logs,
      (l) => l.msg === 'destination storage full: an admin must free space, retrying meanwhile',
    );
    expect(
      running.logs.find(
        (l) => l.msg === 'destination storage full: an admin must free space, retrying meanwhile',
      )?.level,
    ).toBe('error');
    nc.webdav.files.setQuota(OWNER, undefined);
    await h.uploaded(job.recordingId);
    const metric = await running.runtime.metrics.registry
      .getSingleMetric('talkrec_upload_storage_full_total')
      ?.get();
    expect(metric?.values[0]?.value).toBeGreaterThanOrEqual(1);
    expect(await storedSha()).toBe(job.sha256);
  });

  it('halves the chunk size when a proxy refuses chunks with 413', async () => {
    nc.webdav.options.maxBodyBytes = 8 * MiB;
    await start({ UPLOAD_CHUNK_BYTES: String(10 * MiB) });
    const job = await talkJob(file22);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(chunkPuts(nc).get(1)).toEqual([413, 201]);
    expect(chunkPuts(nc).size).toBe(5);
    expect(await storedSha()).toBe(job.sha256);
  });

  it('gives up with too_large when even 5 MiB chunks are refused', async () => {
    nc.webdav.options.maxBodyBytes = 4 * MiB;
    await start();
    const job = await talkJob(file12);
    await h.publish(job);
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'too_large', attempt: 1 });
  });

  it('only announces a job again when it is redelivered after the upload', async () => {
    const running = await start();
    const job = await talkJob(file12);
    await h.publish(job, 'first');
    await h.uploaded(job.recordingId);
    const requests = nc.http.requests.length;
    await h.publish(job, 'second');
    await waitForLog(running.logs, (l) => l.msg === 'upload already confirmed, announcing it again');
    expect(nc.http.requests.length).toBe(requests);
    expect(nc.talkUpload.stored).toHaveLength(1);
  });

  it('continues in a restarted uploader where the stopped one left off', async () => {
    const first = await start();
    const job = await talkJob(file22);
    await h.publish(job);
    await h.confirmed(job.recordingId, 10 * MiB);
    await first.stop('stop');
    uploader = undefined;
    await start();
    await h.uploaded(job.recordingId);
    expect(chunkPuts(nc).get(1)).toEqual([201]);
    expect(chunkPuts(nc).get(2)).toEqual([201]);
    expect(nc.talkUpload.stored).toHaveLength(1);
    expect(await storedSha()).toBe(job.sha256);
    expect(nc.violations).toEqual([]);
  });

  it('keeps media in the object store: deleting it is the controller’s job', async () => {
    await start();
    const job = await talkJob(file12);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(await h.media.exists(job.object)).toBe(true);
  });

  it('checks that the file fetched from the object store is the one announced', async () => {
    await start();
    const job = await talkJob(file12);
    await h.publish({ ...job, sha256: (await sha256File(file22)).replace(/^./, '0') });
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'media_checksum', attempt: 1 });
    expect(nc.talkUpload.stored).toEqual([]);
  });
});
