import { describe, expect, it } from 'vitest';
import { buildSpec, recordingFileName, resolvePathTemplate } from './spec-builder.js';
import { testSpecDefaults } from './test-values.test-helpers.js';

const at = new Date(2026, 10, 23, 10, 9, 5);
const base = {
  recordingId: 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2',
  backend: { id: 'nc', url: 'https://cloud.example.com' },
  roomToken: 'abc123',
  layout: 'speaker' as const,
  announce: false,
  at,
};

describe('spec builder', () => {
  it('names files like the official recorder, in local time', () => {
    expect(recordingFileName(at, 'mp4')).toBe('Recording 2026-11-23 10-09-05.mp4');
  });

  it('sends Talk-triggered recordings to the owner through Talk', () => {
    const spec = buildSpec(
      {
        ...base,
        mode: 'audio',
        trigger: { kind: 'talk', owner: 'alice', actor: { type: 'users', id: 'alice' }, status: 2 },
      },
      testSpecDefaults,
    );
    expect(spec.upload).toEqual({ kind: 'talk', owner: 'alice' });
    expect(spec.output).toMatchObject({ kind: 'audio', codec: 'opus', container: 'ogg' });
    expect(spec.fileName).toBe('Recording 2026-11-23 10-09-05.ogg');
  });

  it('sends automatic recordings to the default target with the folder template', () => {
    const trigger = { kind: 'rule' as const, rule: 'AUTO_RECORD=all' };
    const local = buildSpec({ ...base, mode: 'video', trigger }, testSpecDefaults);
    expect(local.upload).toEqual({ kind: 'local', path: 'Talk Recordings/abc123/2026-11-23 10-09-05.mp4' });
    const dav = buildSpec(
      { ...base, mode: 'video', trigger },
      { ...testSpecDefaults, defaultUploadTarget: 'alice-dav' },
    );
    expect(dav.upload).toEqual({
      kind: 'webdav',
      account: 'alice-dav',
      path: 'Talk Recordings/abc123/2026-11-23 10-09-05.mp4',
      shareToRoom: true,
    });
  });

  it('keeps template values inside their folder', () => {
    expect(
      resolvePathTemplate('/{room}/../{name}/x.{ext}', { room: '../../etc', name: 'a/b', ext: 'mp4' }),
    ).toBe('_-..-etc/a-b/x.mp4');
  });
});
