import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NextcloudStandIn } from './index.js';

describe('stand-in OCS share API (share a file into a conversation)', () => {
  let nc: NextcloudStandIn;
  let auth: string;
  const share = (body: object, headers: Record<string, string> = {}) =>
    fetch(`${nc.url}/ocs/v2.php/apps/files_sharing/api/v1/shares`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'ocs-apirequest': 'true',
        accept: 'application/json',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const meta = async (res: Response) =>
    ((await res.json()) as { ocs: { meta: { statuscode: number; message: string } } }).ocs.meta;

  beforeEach(async () => {
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom('room1', ['alice']);
    nc.directory.addRoom('room2', ['bob']);
    auth = 'Basic ' + Buffer.from(`alice:${nc.directory.users.get('alice')!.appPassword}`).toString('base64');
    await nc.webdav.files.ensureUser('alice');
    await nc.webdav.files.mkdirp('alice', '/Talk Recordings');
    const temp = await nc.webdav.files.tempFile('t');
    await writeFile(temp, 'video');
    await nc.webdav.files.commit('alice', '/Talk Recordings/a.mp4', temp);
  });
  afterEach(async () => {
    await nc.stop();
  });

  it('shares a file into a room once (200), then refuses the same share again (403)', async () => {
    const res = await share({ path: '/Talk Recordings/a.mp4', shareType: 10, shareWith: 'room1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ocs: { data: Record<string, unknown> } };
    expect(body.ocs.data).toMatchObject({
      share_type: 10,
      share_with: 'room1',
      path: '/Talk Recordings/a.mp4',
      item_type: 'file',
    });
    expect(nc.shares.roomShares).toEqual([
      expect.objectContaining({ owner: 'alice', roomToken: 'room1', permissions: 19 }),
    ]);
    const again = await share({ path: '/Talk Recordings/a.mp4', shareType: 10, shareWith: 'room1' });
    expect(again.status).toBe(403);
    expect((await meta(again)).message).toBe('Path is already shared with this conversation');
  });

  it('refuses a room the user is not in, a missing path, wrong credentials and a missing OCS header', async () => {
    expect((await share({ path: '/Talk Recordings/a.mp4', shareType: 10, shareWith: 'room2' })).status).toBe(
      404,
    );
    const missing = await share({ path: '/nope.mp4', shareType: 10, shareWith: 'room1' });
    expect((await meta(missing)).message).toBe('Wrong path, file/folder does not exist');
    auth = 'Basic ' + Buffer.from('alice:wrong').toString('base64');
    const denied = await share({ path: '/Talk Recordings/a.mp4', shareType: 10, shareWith: 'room1' });
    expect(denied.status).toBe(401);
    expect((await meta(denied)).statuscode).toBe(997);
    auth = 'Basic ' + Buffer.from(`alice:${nc.directory.users.get('alice')!.appPassword}`).toString('base64');
    expect(
      (
        await share(
          { path: '/Talk Recordings/a.mp4', shareType: 10, shareWith: 'room1' },
          { 'ocs-apirequest': '' },
        )
      ).status,
    ).toBe(412);
    expect(nc.violations.map((v) => v.problem)).toEqual(['OCS-APIRequest header missing']);
  });
});
