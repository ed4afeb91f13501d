import { describe, expect, it } from 'vitest';
import {
  cleanPath,
  localTarget,
  nextcloudAccount,
  numericFileId,
  parentFolders,
  speakingTimesName,
} from './paths.js';

describe('paths', () => {
  it('reads base and user id from a Nextcloud files URL', () => {
    expect(nextcloudAccount('https://cloud.example.com/nc/remote.php/dav/files/rec%20order/')).toEqual({
      base: 'https://cloud.example.com/nc',
      userId: 'rec order',
    });
    expect(nextcloudAccount('https://dav.example.com/files')).toBeUndefined();
  });

  it('cleans target paths and refuses ones that climb out or name a folder', () => {
    expect(cleanPath('Talk Recordings//room/./a.mp4')).toBe('/Talk Recordings/room/a.mp4');
    expect(cleanPath('a/../../etc/passwd')).toBeUndefined();
    expect(cleanPath('folder/')).toBeUndefined();
    expect(parentFolders('/a/b/c.mp4')).toEqual(['/a', '/a/b']);
  });

  it('names the speaking-times sidecar as Talk looks for it', () => {
    expect(speakingTimesName('Recording 2026-01-02 10-00-00.mp4')).toBe(
      '.Recording 2026-01-02 10-00-00 speaking times.json',
    );
  });

  it('keeps local targets inside the recordings folder', () => {
    expect(localTarget('/srv/rec', 'room/a.mp4')).toBe('/srv/rec/room/a.mp4');
    expect(localTarget('/srv/rec', '../a.mp4')).toBeUndefined();
  });

  it("reads Nextcloud's numeric file id", () => {
    expect(numericFileId('00004711ocabcdef1234')).toBe(4711);
    expect(numericFileId('4711')).toBe(4711);
    expect(numericFileId(undefined)).toBeUndefined();
  });
});
