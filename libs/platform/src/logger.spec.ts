import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON line per record with service, instance and level names', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'encoder', instanceId: 'i-1', level: 'info', destination }).info(
      { index: 3 },
      'segment stored',
    );
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'info',
      service: 'encoder',
      instance: 'i-1',
      index: 3,
      msg: 'segment stored',
    });
  });

  it('redacts secret-bearing fields at any of the usual depths', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 't', instanceId: 'i', level: 'info', destination });
    log.info(
      {
        password: 'p1',
        account: { password: 'p2', token: 't2' },
        request: { headers: { authorization: 'Basic abc' }, auth: { secret: 's3' } },
        config: { TALK_RECORDING_SECRET: 'rs', NATS_PASSWORD: 'np', ADMIN_API_TOKEN: 'at' },
      },
      'with secrets',
    );
    const text = lines.join('');
    for (const secret of ['p1', 'p2', 't2', 'Basic abc', 's3', '"rs"', '"np"', '"at"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('keeps room tokens readable: they identify a conversation, they are not secrets', () => {
    const { lines, destination } = capture();
    createLogger({ service: 't', instanceId: 'i', level: 'info', destination }).info(
      { roomToken: 'abcd1234', token: 'x' },
      'join',
    );
    expect(JSON.parse(lines[0]!)).toMatchObject({ roomToken: 'abcd1234', token: '[redacted]' });
  });

  it('keeps child bindings for per-job logs', () => {
    const { lines, destination } = capture();
    createLogger({ service: 't', instanceId: 'i', level: 'info', destination })
      .child({ recordingId: 'rec_X', attempt: 2 })
      .warn('job will be retried');
    expect(JSON.parse(lines[0]!)).toMatchObject({ recordingId: 'rec_X', attempt: 2, level: 'warn' });
  });
});
