import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { env } from './env.js';
import { loadConfig } from './load.js';

const shape = {
  NATS_URL: env.url(['nats'], 'nats://127.0.0.1:4222'),
  SEGMENT_SECONDS: env.int({ default: 10, min: 2, max: 60 }),
  SECRET: env.secret(),
  FLAG: env.bool(false),
  ROOMS: env.list(),
  LISTEN: env.listen('8000'),
};

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const c = loadConfig(shape, { SECRET: 's3cret', ROOMS: 'a, b,,c', FLAG: 'yes', LISTEN: '0.0.0.0:9000' });
    expect(c).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      SEGMENT_SECONDS: 10,
      SECRET: 's3cret',
      FLAG: true,
      ROOMS: ['a', 'b', 'c'],
      LISTEN: { host: '0.0.0.0', port: 9000 },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad key in one error and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig(shape, { NATS_URL: 'http://x', SEGMENT_SECONDS: '1', SECRET: '', LISTEN: 'nope' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/NATS_URL: expected a nats URL \(got 'http:\/\/x'\)/);
    expect(message).toMatch(/SEGMENT_SECONDS: .*(>=|≥|at least).*2/i);
    expect(message).toMatch(/SECRET: .*\(missing\)/);
    expect(message).toMatch(/LISTEN: expected \[host:\]port/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('reads <KEY>_FILE for secrets and a config file under the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    writeFileSync(path.join(dir, 'secret'), 'from-file\n');
    writeFileSync(path.join(dir, 'service.env'), 'SEGMENT_SECONDS=20\nFLAG=true\n# comment\n');
    const c = loadConfig(shape, {
      SECRET_FILE: path.join(dir, 'secret'),
      TALKREC_CONFIG_FILE: path.join(dir, 'service.env'),
      FLAG: 'false',
    });
    expect(c.SECRET).toBe('from-file');
    expect(c.SEGMENT_SECONDS).toBe(20);
    expect(c.FLAG).toBe(false);
  });

  it('masks a secret value that fails validation', () => {
    expect(() => loadConfig({ S: env.secret(40) }, { S: 'too-short-secret' })).toThrow(/S: .*\(got \*\*\*\)/);
    expect(() => loadConfig({ S: env.secret(40) }, { S: 'too-short-secret' })).not.toThrow(/too-short/);
  });
});
