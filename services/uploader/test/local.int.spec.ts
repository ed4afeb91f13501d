import { readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MiB, UploaderHarness, mediaFile, sha256File, type RunningUploader } from './harness.js';

describe('local target (the embedded default)', () => {
  let h: UploaderHarness;
  let uploader: RunningUploader | undefined;
  let file: string;
  const root = () => path.join(h.dir, 'recordings');

  beforeAll(async () => {
    h = await UploaderHarness.start();
    file = await mediaFile(h.dir, 3 * MiB);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    await h.reset();
    uploader = await h.startUploader({});
  });
  afterEach(async () => {
    await uploader?.stop();
    uploader = undefined;
  });

  const localJob = (p: string) =>
    h.job(file, { kind: 'local', path: p }, { backendUrl: 'http://nextcloud.invalid', token: 'room1' });

  it('writes the file into its folder, with no temp file left behind', async () => {
    const job = await localJob('room1/Recording 1.mp4');
    await h.publish(job);
    const done = await h.uploaded(job.recordingId);
    expect(done).toMatchObject({
      target: 'local',
      location: path.join(root(), 'room1/Recording 1.mp4'),
      sharedToRoom: false,
    });
    expect(await sha256File(done.location)).toBe(job.sha256);
    expect(await readdir(path.join(root(), 'room1'))).toEqual(['Recording 1.mp4']);
  });

  it('keeps a different file of the same name and writes beside it', async () => {
    await mkdir(path.join(root(), 'room2'), { recursive: true });
    await writeFile(path.join(root(), 'room2/Recording.mp4'), 'older recording');
    const job = await localJob('room2/Recording.mp4');
    await h.publish(job);
    expect((await h.uploaded(job.recordingId)).location).toBe(path.join(root(), 'room2/Recording (2).mp4'));
  });

  it('refuses a path that leaves the recordings folder', async () => {
    const job = await localJob('../escape.mp4');
    await h.publish(job);
    expect(await h.failed(job.recordingId)).toMatchObject({ code: 'invalid_path', attempt: 1 });
  });
});
