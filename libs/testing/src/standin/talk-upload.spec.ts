import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hmacHex } from './checksum.js';
import { NextcloudStandIn } from './index.js';

const MP4 = Buffer.concat([
  Buffer.from('0000001c667479706973736f6d0000020069736f6d69736f326d703431', 'hex'),
  randomBytes(64),
]);
const OGG = Buffer.concat([Buffer.from('OggS'), randomBytes(64)]);

describe('stand-in Talk recording upload (request-upload, JSON store, multipart store)', () => {
  let nc: NextcloudStandIn;
  const api = (token: string, action: string) =>
    `${nc.url}/ocs/v2.php/apps/spreed/api/v1/recording/${token}/${action}`;
  const signed = (
    token: string,
    secret = nc.recordingSecret,
    random = randomBytes(48).toString('base64url'),
  ) => ({
    'ocs-apirequest': 'true',
    accept: 'application/json',
    'talk-recording-random': random,
    'talk-recording-checksum': hmacHex(secret, random + token),
  });
  const postJson = (token: string, action: string, body: object, headers = signed(token)) =>
    fetch(api(token, action), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const multipart = (
    token: string,
    fields: Record<string, string>,
    file?: { name: string; data: Buffer },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    if (file) form.set('file', new Blob([new Uint8Array(file.data)]), file.name);
    return fetch(api(token, 'store'), { method: 'POST', headers: signed(token), body: form });
  };
  const ocsData = async (res: Response) => ((await res.json()) as { ocs: { data: unknown } }).ocs.data;

  beforeEach(async () => {
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom('room1', ['alice', 'bob']);
    nc.directory.addUser('mallory');
  });
  afterEach(async () => {
    await nc.stop();
  });

  it('refuses without OCS-APIRequest (412), for an unknown room (404) and with a bad signature (401)', async () => {
    const noCsrf = await fetch(api('room1', 'request-upload'), { method: 'POST', body: '{}' });
    expect(noCsrf.status).toBe(412);
    expect(await noCsrf.json()).toEqual({ message: 'CSRF check failed' });
    expect(
      (await postJson('nope', 'request-upload', { owner: 'alice', fileName: 'a.mp4' }, signed('nope')))
        .status,
    ).toBe(404);
    const forged = await postJson(
      'room1',
      'request-upload',
      { owner: 'alice', fileName: 'a.mp4' },
      signed('room1', 'wrong-secret'),
    );
    expect(forged.status).toBe(401);
    expect(await ocsData(forged)).toMatchObject({ type: 'error', error: { code: 'invalid_request' } });
    const shortRandom = await postJson(
      'room1',
      'store',
      { owner: 'alice', fileName: 'a.mp4' },
      signed('room1', undefined, 'x'.repeat(31)),
    );
    expect(shortRandom.status).toBe(401);
    // The checksum covers the room token, not the body.
    const overBody = signed('room1');
    overBody['talk-recording-checksum'] = hmacHex(
      nc.recordingSecret,
      overBody['talk-recording-random'] + '{}',
    );
    expect((await postJson('room1', 'store', {}, overBody)).status).toBe(401);
    expect(nc.violations.map((v) => v.area)).toEqual([
      'talk-upload',
      'talk-upload',
      'talk-upload',
      'talk-upload',
    ]);
  });

  it('hands out a password-protected create-only share on the recording folder', async () => {
    const res = await postJson('room1', 'request-upload', { owner: 'alice', fileName: 'x/Recording 1.mp4' });
    expect(res.status).toBe(200);
    const data = (await ocsData(res)) as { token: string; password: string; fileName: string };
    expect(data.fileName).toBe('Recording 1.mp4');
    const share = nc.shares.linkShare(data.token)!;
    expect(share).toMatchObject({
      owner: 'alice',
      path: '/Talk/Recording/room1',
      permissions: 4,
      password: data.password,
    });
    expect(share.expiresAt! - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it("answers Talk's refusals: owner_participant, file_extension, sharing_disabled, and 404 on an old Talk", async () => {
    const error = async (res: Response) => [res.status, ((await ocsData(res)) as { error: string }).error];
    expect(
      await error(await postJson('room1', 'request-upload', { owner: 'mallory', fileName: 'a.mp4' })),
    ).toEqual([400, 'owner_participant']);
    expect(
      await error(await postJson('room1', 'request-upload', { owner: 'alice', fileName: 'a.wav' })),
    ).toEqual([400, 'file_extension']);
    nc.talkUpload.options.publicUpload = false;
    expect(
      await error(await postJson('room1', 'request-upload', { owner: 'alice', fileName: 'a.mp4' })),
    ).toEqual([400, 'sharing_disabled']);
    nc.talkUpload.options.chunkedUpload = false;
    expect((await postJson('room1', 'request-upload', { owner: 'alice', fileName: 'a.mp4' })).status).toBe(
      404,
    );
  });

  it('finishes a chunked upload with the JSON store, reading the speaking-times sidecar, and drops the share', async () => {
    const share = (await ocsData(
      await postJson('room1', 'request-upload', { owner: 'alice', fileName: 'Rec.mp4' }),
    )) as {
      token: string;
      password: string;
    };
    const put = (name: string, body: Buffer | string) =>
      fetch(`${nc.url}/public.php/dav/files/${share.token}/${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: {
          authorization: 'Basic ' + Buffer.from(`${share.token}:${share.password}`).toString('base64'),
        },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    expect((await put('Rec.mp4', MP4)).status).toBe(201);
    const times = { recordingStartTimestamp: 1, intervals: [] };
    expect((await put('.Rec speaking times.json', JSON.stringify(times))).status).toBe(201);
    const stored = await postJson('room1', 'store', {
      owner: 'alice',
      fileName: 'Rec.mp4',
      intervalsFileName: '.Rec speaking times.json',
    });
    expect(stored.status).toBe(200);
    expect(nc.talkUpload.stored).toEqual([
      expect.objectContaining({
        token: 'room1',
        owner: 'alice',
        path: '/Talk/Recording/room1/Rec.mp4',
        via: 'chunked',
        intervals: times,
      }),
    ]);
    expect(nc.shares.linkShare(share.token)).toBeUndefined();
    expect(nc.violations).toEqual([]);
  });

  it('refuses a JSON store of a file that is not there (invalid_file)', async () => {
    const res = await postJson('room1', 'store', { owner: 'alice', fileName: 'missing.mp4' });
    expect(res.status).toBe(400);
    expect(await ocsData(res)).toEqual({ error: 'invalid_file' });
  });

  it('stores a multipart upload after sniffing its content', async () => {
    const res = await multipart('room1', { owner: 'alice' }, { name: 'Recording 2.mp4', data: MP4 });
    expect(res.status).toBe(200);
    expect(nc.talkUpload.stored[0]).toMatchObject({
      path: '/Talk/Recording/room1/Recording 2.mp4',
      via: 'multipart',
      bytes: MP4.length,
    });
    const wrongContent = await multipart('room1', { owner: 'alice' }, { name: 'Recording 3.mp4', data: OGG });
    expect(await ocsData(wrongContent)).toEqual({ error: 'file_extension' });
    const notMedia = await multipart(
      'room1',
      { owner: 'alice' },
      { name: 'Recording 4.mp4', data: randomBytes(100) },
    );
    expect(await ocsData(notMedia)).toEqual({ error: 'file_mimetype' });
  });

  it("answers 'size' when the multipart body exceeds PHP's post_max_size", async () => {
    nc.talkUpload.options.maxPostBytes = 100;
    const res = await multipart('room1', { owner: 'alice' }, { name: 'Recording 5.mp4', data: MP4 });
    expect(res.status).toBe(400);
    expect(await ocsData(res)).toEqual({ error: 'size' });
  });
});
