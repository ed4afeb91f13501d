import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hpbBackendRoomSubject } from '@talkrec/contracts';
import { readCapture } from '../cli/capture-file.js';
import { decodeHpbMessage, hpbBackendMap } from './hpb-decode.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../../libs/testing/fixtures/hpb-0.4.1');
const backends = hpbBackendMap([{ id: 'nc1', hpbBackendId: 'nextcloud' }]);
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const subject = hpbBackendRoomSubject({ roomId: 'room1', backendId: 'nextcloud' });
const room = (r: unknown) =>
  bytes({ sendtime: '2026-11-23T06:23:43.483787404Z', type: 'room', room: r, id: '' });

describe('decodeHpbMessage', () => {
  it('decodes every captured backend.room message and maps the HPB backend id to ours', () => {
    const lines = readCapture(path.join(FIXTURES, 'nats-tap.jsonl')).filter((l) =>
      l.subject.startsWith('backend.'),
    );
    const kinds = lines.map((l) => {
      const d = decodeHpbMessage(l.subject, bytes(l.payload), backends);
      expect(d.ok).toBe(true);
      return d.ok ? `${d.event.kind}:${d.event.key.backendId}.${d.event.key.roomToken}` : '';
    });
    expect(kinds.filter((k) => k.startsWith('in-call'))).toHaveLength(7);
    expect(kinds.at(-1)).toBe('deleted:nc1.abcd1234');
  });

  it('reads in-call sessions from users by flag bit 1, and an absent users as nobody', () => {
    const d = decodeHpbMessage(
      subject,
      room({
        type: 'incall',
        incall: {
          incall: 7,
          users: [
            { sessionId: 'a', inCall: 7 },
            { sessionId: 'b', inCall: 2 },
            { sessionId: 'c', inCall: true },
          ],
        },
      }),
      backends,
    );
    expect(d).toMatchObject({ ok: true, event: { kind: 'in-call', sessions: ['a', 'c'] } });
    const nobody = decodeHpbMessage(
      subject,
      room({ type: 'incall', incall: { incall: 0, changed: [{ sessionId: 'a', inCall: 0 }] } }),
      backends,
    );
    expect(nobody).toMatchObject({ ok: true, event: { kind: 'in-call', sessions: [] } });
  });

  it('treats incall 0 with all:true as the end of the call for everyone', () => {
    const d = decodeHpbMessage(subject, room({ type: 'incall', incall: { incall: 0, all: true } }), backends);
    expect(d).toMatchObject({ ok: true, event: { kind: 'ended-for-everyone' } });
  });

  it('ignores 2.x types (asyncroom, switchto, transient) and room updates', () => {
    const asyncroom = bytes({
      sendtime: 'x',
      type: 'asyncroom',
      asyncroom: { type: 'sessionjoined', sessionid: 's' },
      id: '',
    });
    expect(decodeHpbMessage(subject, asyncroom, backends)).toMatchObject({
      ok: true,
      event: { kind: 'ignored' },
    });
    for (const type of ['switchto', 'transient', 'update']) {
      expect(decodeHpbMessage(subject, room({ type }), backends)).toMatchObject({
        ok: true,
        event: { kind: 'ignored', type },
      });
    }
  });

  it('decodes the compat subject without a backend id when one backend is configured', () => {
    const compat = hpbBackendRoomSubject({ roomId: 'room1' });
    const d = decodeHpbMessage(compat, room({ type: 'delete' }), backends);
    expect(d).toMatchObject({
      ok: true,
      event: { kind: 'deleted', key: { backendId: 'nc1', roomToken: 'room1' } },
    });
    const two = hpbBackendMap([{ id: 'a' }, { id: 'b' }]);
    expect(decodeHpbMessage(compat, room({ type: 'delete' }), two)).toMatchObject({
      ok: false,
      reason: 'unknown-backend',
    });
  });

  it('rejects unknown backends, bad rooms, bad subjects and malformed bodies with a reason', () => {
    const other = hpbBackendRoomSubject({ roomId: 'room1', backendId: 'elsewhere' });
    expect(decodeHpbMessage(other, room({ type: 'delete' }), backends)).toMatchObject({
      ok: false,
      reason: 'unknown-backend',
    });
    const badRoom = hpbBackendRoomSubject({ roomId: '../x', backendId: 'nextcloud' });
    expect(decodeHpbMessage(badRoom, room({ type: 'delete' }), backends)).toMatchObject({
      ok: false,
      reason: 'bad-room',
    });
    expect(decodeHpbMessage('backend.room.%%%', room({}), backends)).toMatchObject({
      ok: false,
      reason: 'bad-subject',
    });
    expect(decodeHpbMessage(subject, new TextEncoder().encode('{nope'), backends)).toMatchObject({
      ok: false,
      reason: 'not-json',
    });
    expect(decodeHpbMessage(subject, bytes({ type: 'room' }), backends)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    expect(decodeHpbMessage(subject, new Uint8Array([0xff, 0xfe]), backends)).toMatchObject({
      ok: false,
      reason: 'not-json',
    });
  });
});
