import {
  CONTAINER_FILES,
  RecordingSpec,
  type AudioOutput,
  type Layout,
  type RecordingMode,
  type Trigger,
  type UploadTarget,
  type VideoGeometry,
  type VideoOutput,
} from '@talkrec/contracts';

export interface SpecDefaults {
  video: VideoGeometry;
  videoOutput: VideoOutput;
  audioOutput: AudioOutput;
  segmentSeconds: number;
  /** `local`, or the id of a WebDAV account in the uploader's config. */
  defaultUploadTarget: string;
  /** Path of automatic recordings, e.g. `Talk Recordings/{room}/{date} {time}.{ext}`. */
  uploadPathTemplate: string;
  shareToRoom: boolean;
}

export interface SpecRequest {
  recordingId: string;
  backend: { id: string; url: string };
  roomToken: string;
  roomName?: string;
  mode: RecordingMode;
  layout: Layout;
  trigger: Trigger;
  announce: boolean;
  /** When the recording was requested (names the file). */
  at: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local date and time as the official recorder names files: `YYYY-MM-DD` and `HH-MM-SS`. */
function localStamp(at: Date): { date: string; time: string } {
  return {
    date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
    time: `${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`,
  };
}

/** `Recording YYYY-MM-DD HH-MM-SS.<ext>`, the official recorder's file name, in local time. */
export function recordingFileName(at: Date, ext: string): string {
  const { date, time } = localStamp(at);
  return `Recording ${date} ${time}.${ext}`;
}

/** Characters that would make a template value escape its folder or break a WebDAV path. */
const unsafe = (value: string) => value.replace(/[/\\]/g, '-').replace(/^\.+/, '_');

/**
 * Fills a path template: `{backend}`, `{room}`, `{roomName}`, `{date}`, `{time}`, `{ext}`, `{id}`.
 * Values cannot add folders; empty and `..` segments are dropped.
 */
export function resolvePathTemplate(template: string, values: Record<string, string>): string {
  const filled = template.replace(/\{(\w+)\}/g, (all, name: string) =>
    name in values ? unsafe(values[name]!) : all,
  );
  return filled
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

/** Everything a recording needs, fixed when it is requested. */
export function buildSpec(req: SpecRequest, defaults: SpecDefaults): RecordingSpec {
  const output = req.mode === 'audio' ? defaults.audioOutput : defaults.videoOutput;
  const ext = CONTAINER_FILES[output.container].ext;
  const fileName = recordingFileName(req.at, ext);
  return RecordingSpec.parse({
    backend: req.backend,
    room: { token: req.roomToken, ...(req.roomName ? { name: req.roomName } : {}) },
    mode: req.mode,
    layout: req.layout,
    video: defaults.video,
    output,
    segmentSeconds: defaults.segmentSeconds,
    fileName,
    trigger: req.trigger,
    upload: uploadTarget(req, defaults, fileName, ext),
    announce: req.announce,
  });
}

function uploadTarget(req: SpecRequest, defaults: SpecDefaults, fileName: string, ext: string): UploadTarget {
  // Talk's own button: the file goes where Talk's `store` puts it, in the owner's files.
  if (req.trigger.kind === 'talk') return { kind: 'talk', owner: req.trigger.owner };
  const { date, time } = localStamp(req.at);
  const path =
    resolvePathTemplate(defaults.uploadPathTemplate, {
      backend: req.backend.id,
      room: req.roomToken,
      roomName: req.roomName ?? req.roomToken,
      date,
      time,
      ext,
      id: req.recordingId,
    }) || fileName;
  if (defaults.defaultUploadTarget === 'local') return { kind: 'local', path };
  return { kind: 'webdav', account: defaults.defaultUploadTarget, path, shareToRoom: defaults.shareToRoom };
}
