import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApacheDav } from '@talkrec/testing';
import { MiB, UploaderHarness, mediaFile, sha256File, type RunningUploader } from './harness.js';

const PATH = 'Talk Recordings/room1/2026/Recording 2026-01-02 10-00-00.mp4';

describe('webdav target on a generic WebDAV server (Apache mod_dav)', () => {
  let h: UploaderHarness;
  let dav: ApacheDav;
  let limited: ApacheDav;
  let uploader: RunningUploader | undefined;
  let small: string;
  let large: string;

  beforeAll(async () => {
    h = await UploaderHarness.start();
    dav = await ApacheDav.start();
    limited = await ApacheDav.start({ maxBodyBytes: MiB });
    small = await mediaFile(h.dir, 2 * MiB, 'small.mp4');
    large = await mediaFile(h.dir, 12 * MiB, 'large.mp4');
  });
  afterAll(async () => {
    await limited?.stop();
    await dav?.stop();
    await h?.stop();
  });
  beforeEach(async () => {
    await h.reset();
  });
  afterEach(async () => {
    await uploader?.stop();
    uploader = undefined;
  });

  const start = async (server: ApacheDav, password = server.password) => {
    const account = { id: 'dav', url: `${server.url}/`, username: server.user, password, nextcloud: false };
    uploader = await h.startUploader({
      WEBDAV_ACCOUNTS: JSON.stringify([account]),
      UPLOAD_CHUNK_THRESHOLD_BYTES: String(5 * MiB),
    });
    return uploader;
  };
  const webdavJob = (file: string) =>
    h.job(
      file,
      { kind: 'webdav', account: 'dav', path: PATH, shareToRoom: false },
      { backendUrl: 'http://nextcloud.invalid', token: 'room1' },
    );
  const accessLog = (server: ApacheDav) => readFile(path.join(server.dir, 'access.log'), 'utf8');

  it('creates the nested folders and stores the file with one PUT, even above the chunking threshold', async () => {
    await start(dav);
    const job = await webdavJob(large);
    await h.publish(job);
    const done = await h.uploaded(job.recordingId);
    expect(done).toMatchObject({ target: 'webdav', location: `/${PATH}`, sharedToRoom: false });
    expect(done.url).toBeUndefined();
    expect(await sha256File(path.join(dav.root, PATH))).toBe(job.sha256);
    const puts = (await accessLog(dav)).split('\n').filter((l) => l.includes('"PUT '));
    expect(puts).toHaveLength(1);
    expect(puts[0]).toContain(' 201 ');
  });

  it('never overwrites another file at the target path: the recording goes beside it as name (2)', async () => {
    const auth = { authorization: 'Basic ' + Buffer.from(`${dav.user}:${dav.password}`).toString('base64') };
    for (const folder of ['/other', '/other/room']) {
      await fetch(`${dav.url}${folder}/`, { method: 'MKCOL', headers: auth });
    }
    const put = await fetch(`${dav.url}/other/room/a.mp4`, {
      method: 'PUT',
      headers: auth,
      body: 'someone else',
    });
    expect(put.status).toBe(201);
    await start(dav);
    const job = await h.job(
      small,
      { kind: 'webdav', account: 'dav', path: 'other/room/a.mp4', shareToRoom: false },
      { backendUrl: 'http://nextcloud.invalid', token: 'room1' },
    );
    await h.publish(job);
    expect((await h.uploaded(job.recordingId)).location).toBe('/other/room/a (2).mp4');
    expect(await sha256File(path.join(dav.root, 'other/room/a (2).mp4'))).toBe(job.sha256);
    expect(await readFile(path.join(dav.root, 'other/room/a.mp4'), 'utf8')).toBe('someone else');
  });

  it('fails at once on wrong credentials (401)', async () => {
    await start(dav, 'wrong');
    const job = await webdavJob(small);
    await h.publish(job);
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'destination_auth', attempt: 1 });
  });

  it('fails with too_large when the server refuses the body (413) and cannot take chunks', async () => {
    await start(limited);
    const job = await webdavJob(small);
    await h.publish(job);
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'too_large', attempt: 1 });
  });
});
