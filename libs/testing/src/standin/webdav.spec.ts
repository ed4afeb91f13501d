import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NextcloudStandIn } from './index.js';
import { PERMISSION } from './shares.js';

const MiB = 1024 * 1024;
const basic = (user: string, password: string) =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

describe('stand-in WebDAV (users and public shares)', () => {
  let nc: NextcloudStandIn;
  let auth: string;
  const dav = () => `${nc.url}/remote.php/dav`;
  const req = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string) =>
    fetch(`${dav()}${path}`, {
      method,
      headers: { authorization: auth, ...headers },
      body: body === undefined || typeof body === 'string' ? body : new Uint8Array(body),
    });

  beforeEach(async () => {
    nc = await new NextcloudStandIn().start();
    const alice = nc.directory.addUser('alice');
    auth = basic('alice', alice.appPassword);
  });
  afterEach(async () => {
    await nc.stop();
  });

  it('refuses a wrong app password and a missing one with 401 and a Basic challenge', async () => {
    const wrong = await fetch(`${dav()}/files/alice/`, {
      method: 'PROPFIND',
      headers: { authorization: basic('alice', 'nope') },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="Nextcloud", charset="UTF-8"');
    expect(await wrong.text()).toContain('Sabre\\DAV\\Exception\\NotAuthenticated');
    const none = await fetch(`${dav()}/files/alice/`, { method: 'PROPFIND' });
    expect(none.status).toBe(401);
  });

  it('stores a PUT only into an existing folder, answers 201 then 204 with the file headers', async () => {
    expect((await req('PUT', '/files/alice/Talk/a.txt', {}, 'hi')).status).toBe(409);
    expect((await req('MKCOL', '/files/alice/Talk/')).status).toBe(201);
    expect((await req('MKCOL', '/files/alice/Talk/')).status).toBe(405);
    const created = await req('PUT', '/files/alice/Talk/a.txt', { 'x-oc-mtime': '1767348000' }, 'hi');
    expect(created.status).toBe(201);
    expect(created.headers.get('oc-fileid')).toMatch(/^\d{8}ocstandin01$/);
    expect(created.headers.get('oc-etag')).toBe(created.headers.get('etag'));
    expect(created.headers.get('x-oc-mtime')).toBe('accepted');
    expect((await req('PUT', '/files/alice/Talk/a.txt', {}, 'hello')).status).toBe(204);
    expect((await nc.webdav.files.read('alice', '/Talk/a.txt')).toString()).toBe('hello');
    const listing = await req('PROPFIND', '/files/alice/Talk/', { depth: '1' });
    expect(listing.status).toBe(207);
    const xml = await listing.text();
    expect(xml).toContain('<d:href>/remote.php/dav/files/alice/Talk/a.txt</d:href>');
    expect(xml).toContain('<d:getcontentlength>5</d:getcontentlength>');
    expect(xml).toMatch(/<oc:fileid>\d+<\/oc:fileid>/);
    expect(nc.violations).toEqual([]);
  });

  it("refuses another user's files and a path outside the user's folder", async () => {
    nc.directory.addUser('bob');
    expect((await req('PROPFIND', '/files/bob/')).status).toBe(403);
    expect(nc.violations).toHaveLength(1);
  });

  it('assembles numbered chunks on MOVE of .file, answering with the new file id', async () => {
    await req('MKCOL', '/files/alice/Rec/');
    const dest = `${dav()}/files/alice/Rec/Recording%201.mp4`;
    const part1 = Buffer.alloc(5 * MiB, 1);
    const part2 = Buffer.from('tail');
    const total = String(part1.length + part2.length);
    const h = { destination: dest, 'oc-total-length': total };
    expect((await req('MKCOL', '/uploads/alice/up-1', h)).status).toBe(201);
    expect((await req('PUT', '/uploads/alice/up-1/1', h, part1)).status).toBe(201);
    expect((await req('PUT', '/uploads/alice/up-1/2', h, part2)).status).toBe(201);
    const listing = await (await req('PROPFIND', '/uploads/alice/up-1', { depth: '1' })).text();
    expect(listing).toContain(`<d:href>/remote.php/dav/uploads/alice/up-1/.file</d:href>`);
    expect(listing).toContain(`<d:getcontentlength>${total}</d:getcontentlength>`);
    expect(listing).toContain('<d:href>/remote.php/dav/uploads/alice/up-1/2</d:href>');
    expect((await req('GET', '/uploads/alice/up-1/1')).status).toBe(405);
    const moved = await req('MOVE', '/uploads/alice/up-1/.file', h);
    expect(moved.status).toBe(201);
    expect(moved.headers.get('oc-fileid')).toMatch(/ocstandin01$/);
    const stored = await nc.webdav.files.read('alice', '/Rec/Recording 1.mp4');
    expect(stored.equals(Buffer.concat([part1, part2]))).toBe(true);
    expect((await req('PROPFIND', '/uploads/alice/up-1', { depth: '1' })).status).toBe(404);
    expect(nc.violations).toEqual([]);
  });

  it('enforces the v2 rules: chunk names, a middle chunk under 5 MiB, the total length, the headers', async () => {
    await req('MKCOL', '/files/alice/Rec/');
    const h = { destination: `${dav()}/files/alice/Rec/x.mp4`, 'oc-total-length': '8' };
    await req('MKCOL', '/uploads/alice/up-2', h);
    expect((await req('PUT', '/uploads/alice/up-2/abc', h, 'x')).status).toBe(400);
    await req('PUT', '/uploads/alice/up-2/1', h, 'small');
    await req('PUT', '/uploads/alice/up-2/2', h, 'end');
    const wrongTotal = await req('MOVE', '/uploads/alice/up-2/.file', { ...h, 'oc-total-length': '9' });
    expect(wrongTotal.status).toBe(400);
    expect(await wrongTotal.text()).toContain('Chunks on server do not sum up to 9 but to 8 bytes');
    expect((await req('MOVE', '/uploads/alice/up-2/.file', h)).status).toBe(500);
    await req('PUT', '/uploads/alice/up-2/3', {}, 'x');
    expect(nc.violations.map((v) => v.problem)).toEqual([
      'chunk name abc is not a number between 1 and 10000',
      'chunk 1 has 5 bytes; only the last may be < 5 MiB',
      'PUT in a chunked upload without Destination',
      'PUT in a chunked upload without a numeric OC-Total-Length',
    ]);
  });

  it('answers 409 for a chunk into a missing upload folder and 403 for a Destination elsewhere', async () => {
    expect((await req('PUT', '/uploads/alice/nope/1', {}, 'x')).status).toBe(409);
    const outside = await req('MKCOL', '/uploads/alice/up-3', {
      destination: 'http://x/remote.php/dav/files/bob/a',
    });
    expect(outside.status).toBe(403);
  });

  it('answers 507 when the quota cannot hold the file, before taking the body', async () => {
    await req('MKCOL', '/files/alice/Rec/');
    nc.webdav.files.setQuota('alice', 1024 * 1024);
    const h = { destination: `${dav()}/files/alice/Rec/big.mp4`, 'oc-total-length': String(2 * MiB) };
    expect((await req('MKCOL', '/uploads/alice/up-4', h)).status).toBe(201);
    const full = await req('PUT', '/uploads/alice/up-4/1', h, Buffer.alloc(1000));
    expect(full.status).toBe(507);
    expect(await full.text()).toContain('Sabre\\DAV\\Exception\\InsufficientStorage');
    expect((await req('PUT', '/files/alice/Rec/p.bin', {}, Buffer.alloc(2 * MiB))).status).toBe(507);
    nc.webdav.files.setQuota('alice', 100);
    expect((await req('MKCOL', '/uploads/alice/up-5', h)).status).toBe(507);
  });

  it("refuses a body over the proxy's limit with an HTML 413", async () => {
    nc.webdav.options.maxBodyBytes = 1000;
    await req('MKCOL', '/files/alice/Rec/');
    const res = await req('PUT', '/files/alice/Rec/a.bin', {}, Buffer.alloc(2000));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('<title>413 Request Entity Too Large</title>');
  });

  it('cuts the connection mid-chunk when told to, keeping nothing of the chunk', async () => {
    await req('MKCOL', '/files/alice/Rec/');
    const h = { destination: `${dav()}/files/alice/Rec/c.mp4`, 'oc-total-length': String(MiB) };
    await req('MKCOL', '/uploads/alice/up-6', h);
    nc.webdav.dropConnectionDuringChunk(1, 64 * 1024);
    await expect(req('PUT', '/uploads/alice/up-6/1', h, Buffer.alloc(MiB))).rejects.toThrow();
    const listing = await (await req('PROPFIND', '/uploads/alice/up-6', { depth: '1' })).text();
    expect(listing).not.toContain('up-6/1</d:href>');
  });

  describe('public link shares (files drop)', () => {
    const pub = (
      token: string,
      method: string,
      path: string,
      password: string,
      body?: Buffer | string,
      headers = {},
    ) =>
      fetch(`${nc.url}/public.php/dav/${path.replace('{t}', token)}`, {
        method,
        headers: { authorization: basic(token, password), ...headers },
        body: body === undefined || typeof body === 'string' ? body : new Uint8Array(body),
      });

    const dropShare = async () => {
      await nc.webdav.files.ensureUser('alice');
      await nc.webdav.files.mkdirp('alice', '/Talk/Recording/room1');
      return nc.shares.createLinkShare({
        owner: 'alice',
        path: '/Talk/Recording/room1',
        permissions: PERMISSION.create,
        password: 'share-pass',
        expiresAt: undefined,
        label: 'test',
      });
    };

    it('checks only the share password, refuses listing, and never overwrites', async () => {
      const share = await dropShare();
      expect((await pub(share.token, 'PUT', 'files/{t}/a.mp4', 'wrong', 'x')).status).toBe(401);
      expect((await pub('unknown', 'PUT', 'files/{t}/a.mp4', 'share-pass', 'x')).status).toBe(404);
      expect((await pub(share.token, 'PUT', 'files/{t}/a.mp4', 'share-pass', 'one')).status).toBe(201);
      expect((await pub(share.token, 'PUT', 'files/{t}/a.mp4', 'share-pass', 'two')).status).toBe(201);
      expect((await nc.webdav.files.read('alice', '/Talk/Recording/room1/a (2).mp4')).toString()).toBe('two');
      expect((await pub(share.token, 'PROPFIND', 'files/{t}/', 'share-pass')).status).toBe(405);
    });

    it('takes a chunked upload into the shared folder', async () => {
      const share = await dropShare();
      const h = {
        destination: `${nc.url}/public.php/dav/files/${share.token}/Recording%20x.mp4`,
        'oc-total-length': '3',
      };
      expect((await pub(share.token, 'MKCOL', 'uploads/{t}/u1', 'share-pass', undefined, h)).status).toBe(
        201,
      );
      expect((await pub(share.token, 'PUT', 'uploads/{t}/u1/1', 'share-pass', 'abc', h)).status).toBe(201);
      expect(
        (await pub(share.token, 'PROPFIND', 'uploads/{t}/u1', 'share-pass', undefined, { depth: '1' }))
          .status,
      ).toBe(207);
      expect(
        (await pub(share.token, 'MOVE', 'uploads/{t}/u1/.file', 'share-pass', undefined, h)).status,
      ).toBe(201);
      expect((await nc.webdav.files.read('alice', '/Talk/Recording/room1/Recording x.mp4')).toString()).toBe(
        'abc',
      );
      expect(nc.violations).toEqual([]);
    });

    it('without outgoing federation, refuses writes that lack X-Requested-With', async () => {
      const share = await dropShare();
      nc.webdav.options.federatedSharing = false;
      expect((await pub(share.token, 'PUT', 'files/{t}/b.mp4', 'share-pass', 'x')).status).toBe(401);
      const ajax = { 'x-requested-with': 'XMLHttpRequest' };
      expect((await pub(share.token, 'PUT', 'files/{t}/b.mp4', 'share-pass', 'x', ajax)).status).toBe(201);
    });

    it('forgets an expired share', async () => {
      const share = await dropShare();
      nc.shares.now = () => Date.now() + 1000;
      share.expiresAt = Date.now();
      expect((await pub(share.token, 'PUT', 'files/{t}/c.mp4', 'share-pass', 'x')).status).toBe(404);
    });
  });
});
