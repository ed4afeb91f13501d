import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApacheDav } from './apache-dav.js';

describe('Apache mod_dav harness', () => {
  let dav: ApacheDav;
  beforeAll(async () => {
    dav = await ApacheDav.start();
  });
  afterAll(async () => {
    await dav?.stop();
  });

  const auth = () => 'Basic ' + Buffer.from(`${dav.user}:${dav.password}`).toString('base64');

  it('stores a PUT with the right credentials and refuses wrong ones with 401', async () => {
    const put = await fetch(`${dav.url}/hello.txt`, {
      method: 'PUT',
      headers: { authorization: auth() },
      body: 'hi',
    });
    expect(put.status).toBe(201);
    const get = await fetch(`${dav.url}/hello.txt`, { headers: { authorization: auth() } });
    expect(await get.text()).toBe('hi');
    const wrong = await fetch(`${dav.url}/x.txt`, {
      method: 'PUT',
      headers: { authorization: 'Basic eDp5' },
      body: 'x',
    });
    expect(wrong.status).toBe(401);
  });

  it('answers MKCOL and PROPFIND as a WebDAV server', async () => {
    const mk = await fetch(`${dav.url}/folder/`, { method: 'MKCOL', headers: { authorization: auth() } });
    expect(mk.status).toBe(201);
    const pf = await fetch(`${dav.url}/folder/`, {
      method: 'PROPFIND',
      headers: { authorization: auth(), depth: '1' },
    });
    expect(pf.status).toBe(207);
  });
});
