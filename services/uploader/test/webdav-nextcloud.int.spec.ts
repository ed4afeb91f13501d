import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NextcloudStandIn } from '@talkrec/testing';
import { MiB, UploaderHarness, mediaFile, type RunningUploader } from './harness.js';

const TOKEN = 'room1';
const PATH = 'Talk Recordings/Weekly sync/2026-01-02 10-00-00.mp4';

describe('webdav target on a Nextcloud account (app password, chunking v2, share into the room)', () => {
  let h: UploaderHarness;
  let nc: NextcloudStandIn;
  let uploader: RunningUploader | undefined;
  let small: string;
  let large: string;

  beforeAll(async () => {
    h = await UploaderHarness.start();
    small = await mediaFile(h.dir, 3 * MiB, 'small.mp4');
    large = await mediaFile(h.dir, 12 * MiB, 'large.mp4');
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    await h.reset();
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom(TOKEN, ['recorder', 'alice']);
    nc.directory.addRoom('other', ['alice']);
  });
  afterEach(async () => {
    await uploader?.stop();
    uploader = undefined;
    await nc.stop();
  });

  const start = async (
    env: Record<string, string> = {},
    password = nc.directory.users.get('recorder')!.appPassword,
  ) => {
    const account = {
      id: 'nc',
      url: `${nc.url}/remote.php/dav/files/recorder`,
      username: 'recorder',
      password,
    };
    uploader = await h.startUploader({
      WEBDAV_ACCOUNTS: JSON.stringify([account]),
      UPLOAD_CHUNK_THRESHOLD_BYTES: String(10 * MiB),
      ...env,
    });
    return uploader;
  };
  const webdavJob = (file: string, shareToRoom = false, token = TOKEN) =>
    h.job(file, { kind: 'webdav', account: 'nc', path: PATH, shareToRoom }, { backendUrl: nc.url, token });
  const stored = () => nc.webdav.files.sha256('recorder', `/${PATH}`);
  const requests = (method: string, prefix: string) =>
    nc.http.requests.filter((r) => r.method === method && r.path.startsWith(prefix));

  it('puts a small file with one PUT, creating the folders, and links to it', async () => {
    await start();
    const job = await webdavJob(small);
    await h.publish(job);
    const done = await h.uploaded(job.recordingId);
    const node = await nc.webdav.files.node('recorder', `/${PATH}`);
    expect(done).toMatchObject({
      target: 'webdav',
      location: `/${PATH}`,
      url: `${nc.url}/f/${node!.fileId}`,
      sharedToRoom: false,
    });
    expect(await stored()).toBe(job.sha256);
    expect(requests('MKCOL', '/remote.php/dav/files/recorder/').map((r) => r.status)).toEqual([201, 201]);
    expect(requests('PUT', '/remote.php/dav/uploads/')).toEqual([]);
    expect(nc.violations).toEqual([]);
  });

  it('uploads a file above the threshold in chunks to the user’s upload folder', async () => {
    await start();
    const job = await webdavJob(large);
    await h.publish(job);
    const done = await h.uploaded(job.recordingId);
    expect(await stored()).toBe(job.sha256);
    expect(requests('PUT', '/remote.php/dav/uploads/recorder/').map((r) => r.status)).toEqual([
      201, 201, 201,
    ]);
    expect(requests('MOVE', '/remote.php/dav/uploads/recorder/').map((r) => r.status)).toEqual([201]);
    expect(done.url).toMatch(/\/f\/\d+$/);
    expect(nc.violations).toEqual([]);
  });

  it('switches to chunks when a plain PUT meets a 413', async () => {
    nc.webdav.options.maxBodyBytes = 8 * MiB;
    await start({ UPLOAD_CHUNK_THRESHOLD_BYTES: String(64 * MiB) });
    const job = await webdavJob(large);
    await h.publish(job);
    await h.uploaded(job.recordingId);
    expect(requests('PUT', '/remote.php/dav/files/recorder/').map((r) => r.status)).toEqual([413]);
    expect(requests('PUT', '/remote.php/dav/uploads/recorder/').map((r) => r.status)).toEqual([
      201, 201, 201,
    ]);
    expect(await stored()).toBe(job.sha256);
  });

  it('shares the recording into the conversation when asked', async () => {
    await start();
    const job = await webdavJob(small, true);
    await h.publish(job);
    expect(await h.uploaded(job.recordingId)).toMatchObject({ sharedToRoom: true });
    expect(nc.shares.roomShares).toEqual([
      expect.objectContaining({ owner: 'recorder', roomToken: TOKEN, path: `/${PATH}` }),
    ]);
    expect(nc.violations).toEqual([]);
  });

  it('still delivers when Nextcloud refuses the share (the account is not in the conversation)', async () => {
    const running = await start();
    const job = await webdavJob(small, true, 'other');
    await h.publish(job);
    expect(await h.uploaded(job.recordingId)).toMatchObject({ sharedToRoom: false });
    expect(
      running.logs.some((l) => l.msg === 'nextcloud refused to share the recording into the conversation'),
    ).toBe(true);
  });

  it('fails at once on a wrong app password', async () => {
    await start({}, 'wrong-password');
    const job = await webdavJob(small);
    await h.publish(job);
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'destination_auth', attempt: 1 });
  });
});
