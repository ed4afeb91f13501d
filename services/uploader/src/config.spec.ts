import { describe, expect, it } from 'vitest';
import { ConfigError } from '@talkrec/platform';
import { loadUploaderConfig } from './config.js';

describe('uploader config', () => {
  it('reads WebDAV accounts, Nextcloud by default', () => {
    const config = loadUploaderConfig({
      WEBDAV_ACCOUNTS: JSON.stringify([
        {
          id: 'nc',
          url: 'https://cloud.example.com/remote.php/dav/files/rec',
          username: 'rec',
          password: 'app-pw',
        },
      ]),
    });
    expect(config.WEBDAV_ACCOUNTS).toEqual([expect.objectContaining({ id: 'nc', nextcloud: true })]);
    expect(config.UPLOAD_CHUNK_BYTES).toBe(10 * 1024 * 1024);
  });

  it('names bad keys without echoing the accounts (they hold passwords)', () => {
    let error: unknown;
    try {
      loadUploaderConfig({ WEBDAV_ACCOUNTS: '[{"id":"x","password":"app-pw"}]', UPLOAD_CHUNK_BYTES: '1024' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/WEBDAV_ACCOUNTS/);
    expect(message).toMatch(/UPLOAD_CHUNK_BYTES/);
    expect(message).not.toMatch(/app-pw/);
  });
});
