import type { SpecDefaults } from './spec-builder.js';

/** Spec defaults as a test would configure them. */
export const testSpecDefaults: SpecDefaults = {
  video: { width: 1280, height: 720, fps: 30 },
  videoOutput: { kind: 'video', container: 'mp4', crf: 23, preset: 'veryfast', audioBitrateKbps: 128 },
  audioOutput: { kind: 'audio', codec: 'opus', container: 'ogg', bitrateKbps: 64 },
  segmentSeconds: 10,
  defaultUploadTarget: 'local',
  uploadPathTemplate: 'Talk Recordings/{room}/{date} {time}.{ext}',
  shareToRoom: true,
};
