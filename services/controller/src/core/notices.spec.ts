import { describe, expect, it } from 'vitest';
import { TALK_CHAT_MAX_LENGTH, type AnnounceNotice } from '@talkrec/contracts';
import { renderNotice } from './notices.js';

const delivered = (over: Partial<Extract<AnnounceNotice, { kind: 'delivered' }>> = {}): AnnounceNotice => ({
  kind: 'delivered',
  fileName: 'Recording 2026-01-02 10-00-00.mp4',
  target: 'webdav',
  location: 'Talk Recordings/abc/2026-01-02 10-00-00.mp4',
  sharedToRoom: false,
  ...over,
});

describe('notice catalogue', () => {
  it('says in English and German that a call is recorded, and by which rule', () => {
    const byRoomRule: AnnounceNotice = {
      kind: 'started',
      trigger: { kind: 'rule', rule: 'room rule nc.abc' },
    };
    expect(renderNotice(byRoomRule, 'en')).toBe(
      'This call is being recorded automatically (a recording rule for this conversation).',
    );
    expect(renderNotice(byRoomRule, 'de')).toBe(
      'Dieser Anruf wird automatisch aufgezeichnet (eine Aufzeichnungsregel für diese Unterhaltung).',
    );
    const all: AnnounceNotice = { kind: 'started', trigger: { kind: 'rule', rule: 'AUTO_RECORD=all' } };
    expect(renderNotice(all, 'en')).toContain('all calls on this server are recorded');
    expect(renderNotice(all, 'de')).toContain('alle Anrufe auf diesem Server werden aufgezeichnet');
    const listed: AnnounceNotice = {
      kind: 'started',
      trigger: { kind: 'rule', rule: 'AUTO_RECORD room list' },
    };
    expect(renderNotice(listed, 'de')).toContain('Liste der aufgezeichneten Unterhaltungen');
  });

  it('names who started a recording in Talk, or that an administrator did', () => {
    const talk: AnnounceNotice = {
      kind: 'started',
      trigger: { kind: 'talk', owner: 'alice', actor: { type: 'users', id: 'alice' }, status: 1 },
    };
    expect(renderNotice(talk, 'en')).toBe('This call is being recorded (started in Talk by alice).');
    expect(renderNotice(talk, 'de')).toBe('Dieser Anruf wird aufgezeichnet (in Talk gestartet von alice).');
    const admin: AnnounceNotice = { kind: 'started', trigger: { kind: 'admin', by: 'cli' } };
    expect(renderNotice(admin, 'en')).toBe('This call is being recorded (started by an administrator).');
  });

  it('says when the recording stopped or failed', () => {
    expect(renderNotice({ kind: 'stopped' }, 'en')).toBe('The recording of this call has stopped.');
    expect(renderNotice({ kind: 'stopped' }, 'de')).toBe('Die Aufzeichnung dieses Anrufs wurde beendet.');
    expect(renderNotice({ kind: 'failed' }, 'de')).toBe(
      'Die Aufzeichnung dieses Anrufs konnte nicht abgeschlossen werden.',
    );
  });

  it('links the delivered file, escaping Markdown in its name and address', () => {
    expect(
      renderNotice(delivered({ fileName: 'Rec [1].mp4', url: 'https://cloud.example.com/s/Ab (x)' }), 'en'),
    ).toBe('The recording is ready: [Rec \\[1\\].mp4](https://cloud.example.com/s/Ab%20%28x%29)');
  });

  it('points to the shared file, the path, or the recording server', () => {
    expect(renderNotice(delivered({ sharedToRoom: true }), 'de')).toBe(
      'Die Aufzeichnung ist fertig und in dieser Unterhaltung geteilt: `Recording 2026-01-02 10-00-00.mp4`',
    );
    expect(renderNotice(delivered(), 'en')).toBe(
      'The recording is ready: `Talk Recordings/abc/2026-01-02 10-00-00.mp4`',
    );
    expect(renderNotice(delivered({ target: 'local', location: '/var/rec/x.mp4' }), 'en')).toBe(
      'The recording is ready; it was saved on the recording server as `Recording 2026-01-02 10-00-00.mp4`.',
    );
  });

  it("stays within Talk's chat length limit", () => {
    const long = renderNotice(delivered({ location: 'x'.repeat(40_000) }), 'en');
    expect(long.length).toBe(TALK_CHAT_MAX_LENGTH);
  });
});
