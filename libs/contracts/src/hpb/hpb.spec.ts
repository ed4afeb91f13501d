import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../message.js';
import { defineMessage } from '../message.js';
import { HpbEnvelope } from './envelope.js';
import { hpbBackendRoomSubject, parseHpbBackendRoomSubject } from './subjects.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../testing/fixtures/hpb-0.4.1');
const envelope = defineMessage('hpb.envelope', 1, HpbEnvelope);

interface TapLine {
  subject: string;
  decoded: string;
  payload: unknown;
}

function natsLines(file: string): TapLine[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => typeof l.subject === 'string' && 'payload' in l) as unknown as TapLine[];
}

describe('HPB subjects', () => {
  it('encodes room|backend as standard base64 with padding, as captured', () => {
    expect(hpbBackendRoomSubject({ roomId: 'abcd1234', backendId: 'nextcloud' })).toBe(
      'backend.room.YWJjZDEyMzR8bmV4dGNsb3Vk',
    );
  });

  it('decodes the compat form without a backend id', () => {
    expect(parseHpbBackendRoomSubject(hpbBackendRoomSubject({ roomId: 'room1' }))).toEqual({
      roomId: 'room1',
    });
  });

  it('rejects subjects that are not valid base64 or not backend.room', () => {
    expect(parseHpbBackendRoomSubject('backend.room.@@@')).toBeUndefined();
    expect(parseHpbBackendRoomSubject('room.YWJjZDEyMzR8bmV4dGNsb3Vk')).toBeUndefined();
    expect(parseHpbBackendRoomSubject('backend.room.')).toBeUndefined();
    expect(parseHpbBackendRoomSubject('backend.room.fA==')).toBeUndefined(); // "|": no room id
  });
});

describe('HPB envelope against the captured 0.4.1 traffic', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl'));

  it.each(files)('every backend.room message in %s validates and its subject decodes', (file) => {
    const lines = natsLines(file).filter((l) => l.subject.startsWith('backend.room.'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const key = parseHpbBackendRoomSubject(line.subject);
      expect(key && `${key.roomId}|${key.backendId}`).toBe(line.decoded);
      const result = check(envelope, line.payload);
      expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    }
  });

  it('keeps the absent users of a call-ended incall as absent (nobody in the call)', () => {
    const ended = natsLines('nats-tap.jsonl')
      .map((l) => check(envelope, l.payload))
      .flatMap((r) => (r.ok && r.value.room?.type === 'incall' ? [r.value.room] : []))
      .filter((room) => room.incall?.incall === 0);
    // The first leave still lists bob; the last one (bob leaves) has no `users` key at all.
    expect(ended.map((room) => room.incall?.users?.length)).toEqual([1, undefined]);
    expect(ended.at(-1)?.incall?.changed?.[0]?.inCall).toBe(0);
  });
});
