import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectStores, streams } from '@talkrec/contracts';
import { ConfigError } from '@talkrec/platform';
import { botSettingsFrom, hpbNatsAuth, loadControllerConfig } from './config.js';
import { controllerTopology, objectStoreStream, storageLimits } from './topology.js';

const SECRET = 'b'.repeat(48);
const base = { NEXTCLOUD_URL: 'https://cloud.example.com', TALK_RECORDING_SECRET: 'rec-secret' };
const problems = (env: Record<string, string>): string => {
  try {
    loadControllerConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
};

describe('controller config: secure defaults', () => {
  it('serves the Talk API and the admin API on separate loopback listeners by default', () => {
    const c = loadControllerConfig(base);
    expect(c.TALK_API_LISTEN).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(c.ADMIN_API_LISTEN).toEqual({ host: '127.0.0.1', port: 8001 });
    expect(c.ADMIN_API_TOKEN).toBeUndefined();
    expect(loadControllerConfig({ ...base, ADMIN_API_LISTEN: 'off' }).ADMIN_API_LISTEN).toBeNull();
  });

  it('refuses an admin API beyond loopback without a token, and one sharing the Talk listener', () => {
    expect(problems({ ADMIN_API_LISTEN: '0.0.0.0:8001' })).toMatch(/ADMIN_API_TOKEN: required/);
    expect(problems({ ADMIN_API_LISTEN: '0.0.0.0:8001', ADMIN_API_TOKEN: 't0ken' })).toBe('');
    expect(problems({ ADMIN_API_LISTEN: '127.0.0.1:8000' })).toMatch(
      /ADMIN_API_LISTEN: must be its own listener/,
    );
  });

  it('takes bot secrets of 40 to 128 characters, from a file too, and never echoes them', () => {
    expect(problems({ TALK_BOT_SECRET: 'short-secret' })).toMatch(/TALK_BOT_SECRET: .*\(got \*\*\*\)/);
    expect(problems({ TALK_BOT_SECRET: 'x'.repeat(129) })).toMatch(/TALK_BOT_SECRET/);
    expect(problems({ TALK_BOT_SECRET: 'short-secret' })).not.toContain('short-secret');
    const dir = mkdtempSync(path.join(tmpdir(), 'talkrec-config-'));
    writeFileSync(path.join(dir, 'bot'), `${SECRET}\n`);
    const c = loadControllerConfig({ ...base, TALK_BOT_SECRET_FILE: path.join(dir, 'bot') });
    expect(botSettingsFrom(c).get('nextcloud')).toEqual({ secret: SECRET, language: 'en' });
  });

  it('sets bot secret and notice language per backend', () => {
    const c = loadControllerConfig({
      ...base,
      ANNOUNCE_LANGUAGE: 'de',
      BACKENDS: JSON.stringify([{ id: 'nc2', url: 'https://two.example.com' }]),
      TALK_BOTS: JSON.stringify({ nc2: { secret: SECRET, language: 'en' } }),
    });
    expect(botSettingsFrom(c)).toEqual(
      new Map([
        ['nextcloud', { secret: undefined, language: 'de' }],
        ['nc2', { secret: SECRET, language: 'en' }],
      ]),
    );
    expect(problems({ TALK_BOTS: JSON.stringify({ nope: { secret: SECRET } }) })).toMatch(
      /TALK_BOTS: no backend nope/,
    );
    expect(problems({ TALK_BOTS: JSON.stringify({ nextcloud: { secret: 'short' } }) })).not.toContain(
      'short"',
    );
  });

  it("connects to the HPB's NATS with its own credentials and TLS, never with talkrec's", () => {
    expect(hpbNatsAuth(loadControllerConfig(base))).toBeUndefined();
    const own = loadControllerConfig({
      ...base,
      NATS_USER: 'talkrec',
      NATS_PASSWORD: 'talkrec-pw',
      HPB_NATS_URL: 'tls://hpb.example.com:4222',
      HPB_NATS_USER: 'recorder',
      HPB_NATS_PASSWORD: 'hpb-pw',
      HPB_NATS_TLS_CA_FILE: '/etc/hpb/ca.pem',
    });
    expect(hpbNatsAuth(own)).toEqual({
      NATS_URL: 'tls://hpb.example.com:4222',
      NATS_USER: 'recorder',
      NATS_PASSWORD: 'hpb-pw',
      NATS_TLS_CA_FILE: '/etc/hpb/ca.pem',
    });
    const sameServerOtherUser = hpbNatsAuth(loadControllerConfig({ ...base, HPB_NATS_TOKEN: 'tok' }));
    expect(sameServerOtherUser).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', NATS_TOKEN: 'tok' });
  });

  it('puts the configured limits on the audit trail, the dead letters and the media store', () => {
    const c = loadControllerConfig({
      ...base,
      EVENTS_MAX_AGE_DAYS: '30',
      EVENTS_MAX_BYTES: '2GB',
      DLQ_MAX_BYTES: '64MiB',
      MEDIA_MAX_BYTES: '1.5T',
    });
    const day = 86_400 * 1e9;
    expect(storageLimits(c).map((l) => [l.stream, l.maxAgeNs, l.maxBytes])).toEqual([
      [streams.events.name, 30 * day, 2 * 1024 ** 3],
      [streams.deadLetters.name, 30 * day, 64 * 1024 ** 2],
      [objectStoreStream(objectStores.media.bucket), undefined, 1.5 * 1024 ** 4],
    ]);
    expect(controllerTopology(c).objectStores?.[0]?.maxBytes).toBe(1.5 * 1024 ** 4);
    expect(loadControllerConfig(base).EVENTS_MAX_BYTES).toBe(-1);
    expect(problems({ MEDIA_MAX_BYTES: 'lots' })).toMatch(/MEDIA_MAX_BYTES: expected a byte size/);
  });
});
