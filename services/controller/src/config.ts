import { z } from 'zod';
import {
  AudioCodec,
  AudioOutput,
  Container,
  TALK_BOT_SECRET_MAX_LENGTH,
  TALK_BOT_SECRET_MIN_LENGTH,
  X264Preset,
} from '@talkrec/contracts';
import {
  ConfigError,
  backendsConfigShape,
  baseConfigShape,
  env,
  loadConfig,
  opsListenKey,
  resolveBackends,
  type Listen,
  type NatsAuthConfig,
} from '@talkrec/platform';
import { ANNOUNCE_POLICIES } from './core/announce-policy.js';
import { LANGUAGES } from './core/notices.js';
import type { SpecDefaults } from './core/spec-builder.js';

/** `off`, or `[host:]port` like every other listener. */
const listenOrOff = (def: string) =>
  z
    .string()
    .trim()
    .default(def)
    .transform((v, ctx): Listen | null => {
      if (v.toLowerCase() === 'off') return null;
      const parsed = env.listen(def).safeParse(v);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: "expected [host:]port or 'off'" });
      return z.NEVER;
    });

const DAY_S = 86_400;
const GIB = 1024 ** 3;

/** A byte size: a number with an optional K/M/G/T suffix (powers of 1024); `0` or `-1` means no limit. */
const bytes = (def: number) =>
  z
    .string()
    .trim()
    .default(String(def))
    .transform((v, ctx): number => {
      const m = /^(-1|\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?$/i.exec(v);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'expected a byte size such as 512MB, 20GB or -1' });
        return z.NEVER;
      }
      const unit = (m[2] ?? '').toUpperCase().charAt(0);
      const factor = { K: 1024, M: 1024 ** 2, G: GIB, T: 1024 ** 4 }[unit] ?? 1;
      const n = Math.round(Number(m[1]) * factor);
      return n <= 0 ? -1 : n;
    });

const botSecret = z.string().trim().min(TALK_BOT_SECRET_MIN_LENGTH).max(TALK_BOT_SECRET_MAX_LENGTH);

/** Per-backend bot settings, keyed by backend id (for several Nextclouds). */
const TalkBots = z.record(
  z.string(),
  z.object({ secret: botSecret, language: z.enum(LANGUAGES).optional() }).strict(),
);

export const controllerConfigShape = {
  ...baseConfigShape,
  ...backendsConfigShape,
  ...opsListenKey('127.0.0.1:9101'),
  /** The HPB's NATS (read only); defaults to NATS_URL. */
  HPB_NATS_URL: env.optionalUrl(['nats', 'tls']),
  /** Credentials and TLS for the HPB's NATS, like the NATS_* keys of talkrec's own bus. */
  HPB_NATS_CREDS_FILE: env.optionalString(),
  HPB_NATS_USER: env.optionalString(),
  HPB_NATS_PASSWORD: env.optionalSecret(),
  HPB_NATS_TOKEN: env.optionalSecret(),
  /** CA bundle to verify the HPB NATS server's certificate; setting it turns TLS on. */
  HPB_NATS_TLS_CA_FILE: env.optionalString(),
  HPB_NATS_TLS_CERT_FILE: env.optionalString(),
  HPB_NATS_TLS_KEY_FILE: env.optionalString(),
  /** How long the stream on the HPB's NATS keeps call events for a controller that is down (seconds). */
  HPB_ROOMS_MAX_AGE_S: env.int({ default: 86_400, min: 60, max: 30 * 86_400 }),
  /** Talk's recording-server API (what Talk's admin settings point at). */
  TALK_API_LISTEN: env.listen('127.0.0.1:8000'),
  /** Largest request body Talk may send, like the official server's `maxmessagesize` (bytes). */
  TALK_API_MAX_BODY_BYTES: env.int({ default: 1024, min: 64, max: 1024 * 1024 }),
  /** Admin API; `off` disables it. Bound to loopback unless an admin says otherwise. */
  ADMIN_API_LISTEN: listenOrOff('127.0.0.1:8001'),
  /** Bearer token for the admin API; required when it listens beyond loopback. */
  ADMIN_API_TOKEN: env.optionalSecret(),
  /** Which rooms are recorded automatically: `all`, `none`, or a comma-separated list of room tokens. */
  AUTO_RECORD: env.string('none'),
  /** A call that empties and refills within this many seconds stays one recording. */
  CALL_GRACE_S: env.int({ default: 15, min: 0, max: 3600 }),
  /** Where finished recordings go when no other target applies: `local` or a WebDAV account id. */
  DEFAULT_UPLOAD_TARGET: env.string('local'),
  /** Path of automatic recordings: {backend} {room} {roomName} {date} {time} {ext} {id}. */
  UPLOAD_PATH_TEMPLATE: env.string('Talk Recordings/{room}/{date} {time}.{ext}'),
  /** Share WebDAV uploads into the conversation. */
  UPLOAD_SHARE_TO_ROOM: env.bool(true),
  /** Seconds to keep a recording's media in the object store after its upload was confirmed. */
  MEDIA_DELETE_GRACE_S: env.int({ default: 0, min: 0, max: 30 * 86_400 }),
  /** Days to keep a failed recording's media (for a retry) before it is purged. */
  FAILED_RETENTION_DAYS: env.int({ default: 14, min: 0, max: 3650 }),
  /** How often the leader purges media the retention policy lets go (seconds). */
  RETENTION_CHECK_S: env.int({ default: 3600, min: 1, max: 7 * DAY_S }),
  /** Limits of the events stream (the audit trail): age in days (0 = forever) and size. */
  EVENTS_MAX_AGE_DAYS: env.int({ default: 90, min: 0, max: 3650 }),
  EVENTS_MAX_BYTES: bytes(-1),
  /** Limits of the dead-letter stream. */
  DLQ_MAX_AGE_DAYS: env.int({ default: 30, min: 0, max: 3650 }),
  DLQ_MAX_BYTES: bytes(256 * 1024 ** 2),
  /** Size limit of the media object store: a full store refuses new segments instead of filling the disk. */
  MEDIA_MAX_BYTES: bytes(-1),
  /**
   * JetStream storage budget to measure use against when the account has no limit of its own (set it to
   * the server's `max_file_store`); -1 = only the account's limit.
   */
  JETSTREAM_STORAGE_LIMIT_BYTES: bytes(-1),
  /** Warn when JetStream storage (or a limited stream) passes this share of its limit (percent). */
  JETSTREAM_STORAGE_WARN_PERCENT: env.int({ default: 80, min: 1, max: 100 }),
  /** How often the leader checks JetStream storage (seconds). */
  JETSTREAM_CHECK_S: env.int({ default: 60, min: 1, max: 3600 }),
  /**
   * Which recordings get notices in their conversation: `auto` (those started by a rule), `all` (Talk- and
   * admin-started too), `none`. A room rule's `announce` switches them off for its room.
   */
  ANNOUNCE: env.enum(ANNOUNCE_POLICIES, 'auto'),
  /** Language of the notices: `en` or `de` (per backend in TALK_BOTS). */
  ANNOUNCE_LANGUAGE: env.enum(LANGUAGES, 'en'),
  /** The bot secret of the single-backend setup (`occ talk:bot:install`, 40 to 128 characters). */
  TALK_BOT_SECRET: botSecret.optional().describe('secret'),
  /** Bots of several backends: JSON `{"<backendId>": {"secret": "…", "language": "de"}}`. */
  TALK_BOTS: env.json(TalkBots).optional().describe('secret'),
  /** Length of captured segments: the most a capture crash can lose (seconds). */
  SEGMENT_SECONDS: env.int({ default: 10, min: 2, max: 60 }),
  VIDEO_WIDTH: env.int({ default: 1280, min: 320, max: 3840 }),
  VIDEO_HEIGHT: env.int({ default: 720, min: 240, max: 2160 }),
  VIDEO_FPS: env.int({ default: 30, min: 5, max: 60 }),
  VIDEO_CONTAINER: env.enum(['mp4', 'mkv'], 'mp4'),
  /** x264 CRF of delivered video: lower is better and bigger. */
  VIDEO_CRF: env.int({ default: 23, min: 0, max: 51 }),
  VIDEO_PRESET: env.enum(X264Preset.options as [string, ...string[]], 'veryfast'),
  /** AAC bitrate of video recordings (kbit/s). */
  VIDEO_AUDIO_BITRATE_KBPS: env.int({ default: 128, min: 32, max: 512 }),
  AUDIO_CODEC: env.enum(AudioCodec.options as [string, ...string[]], 'opus'),
  AUDIO_CONTAINER: env.enum(Container.options as [string, ...string[]], 'ogg'),
  /** Bitrate of lossy audio-only recordings (kbit/s). */
  AUDIO_BITRATE_KBPS: env.int({ default: 64, min: 8, max: 512 }),
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export type ControllerConfig = ReturnType<typeof loadControllerConfig>;

export function loadControllerConfig(source?: Record<string, string | undefined>) {
  const config = loadConfig(controllerConfigShape, source);
  const problems: string[] = [];
  const admin = config.ADMIN_API_LISTEN;
  if (admin && !LOOPBACK.test(admin.host) && !config.ADMIN_API_TOKEN) {
    problems.push(`ADMIN_API_TOKEN: required when ADMIN_API_LISTEN is not loopback (${admin.host})`);
  }
  const talk = config.TALK_API_LISTEN;
  if (admin && admin.host === talk.host && admin.port === talk.port && admin.port !== 0) {
    problems.push(
      `ADMIN_API_LISTEN: must be its own listener, not TALK_API_LISTEN's ${talk.host}:${talk.port}`,
    );
  }
  const backendIds = new Set(resolveBackends(config).map((b) => b.id));
  for (const id of Object.keys(config.TALK_BOTS ?? {})) {
    if (!backendIds.has(id)) problems.push(`TALK_BOTS: no backend ${id} is configured`);
  }
  if (config.TALK_BOT_SECRET && !config.NEXTCLOUD_URL) {
    problems.push(
      'TALK_BOT_SECRET: belongs to the NEXTCLOUD_URL backend; set NEXTCLOUD_URL or use TALK_BOTS',
    );
  }
  if (config.VIDEO_WIDTH % 2 || config.VIDEO_HEIGHT % 2) {
    problems.push(
      `VIDEO_WIDTH/VIDEO_HEIGHT: must be even (got ${config.VIDEO_WIDTH}x${config.VIDEO_HEIGHT})`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  specDefaultsFrom(config);
  return config;
}

/** Output profiles and upload defaults for new recordings, checked once at start. */
export function specDefaultsFrom(config: ControllerConfig): SpecDefaults {
  const audio = AudioOutput.safeParse({
    kind: 'audio',
    codec: config.AUDIO_CODEC,
    container: config.AUDIO_CONTAINER,
    bitrateKbps: config.AUDIO_BITRATE_KBPS,
  });
  if (!audio.success) {
    throw new ConfigError([`AUDIO_CONTAINER: ${audio.error.issues.map((i) => i.message).join('; ')}`]);
  }
  return {
    video: { width: config.VIDEO_WIDTH, height: config.VIDEO_HEIGHT, fps: config.VIDEO_FPS },
    videoOutput: {
      kind: 'video',
      container: config.VIDEO_CONTAINER as 'mp4' | 'mkv',
      crf: config.VIDEO_CRF,
      preset: config.VIDEO_PRESET as X264Preset,
      audioBitrateKbps: config.VIDEO_AUDIO_BITRATE_KBPS,
    },
    audioOutput: audio.data,
    segmentSeconds: config.SEGMENT_SECONDS,
    defaultUploadTarget: config.DEFAULT_UPLOAD_TARGET,
    uploadPathTemplate: config.UPLOAD_PATH_TEMPLATE,
    shareToRoom: config.UPLOAD_SHARE_TO_ROOM,
  };
}

export interface BotSettings {
  secret?: string | undefined;
  language: (typeof LANGUAGES)[number];
}

/** Bot secret and notice language per backend id (TALK_BOT_SECRET for the NEXTCLOUD_URL backend). */
export function botSettingsFrom(config: ControllerConfig): Map<string, BotSettings> {
  const out = new Map<string, BotSettings>();
  for (const b of resolveBackends(config)) {
    const own = config.TALK_BOTS?.[b.id];
    const single =
      b.id === config.NEXTCLOUD_BACKEND_ID && config.NEXTCLOUD_URL ? config.TALK_BOT_SECRET : undefined;
    out.set(b.id, {
      secret: own?.secret ?? single,
      language: own?.language ?? config.ANNOUNCE_LANGUAGE,
    });
  }
  return out;
}

/** The HPB bus's connection settings in the shape the platform connects with; undefined = talkrec's own bus. */
export function hpbNatsAuth(config: ControllerConfig): NatsAuthConfig | undefined {
  const own = {
    NATS_CREDS_FILE: config.HPB_NATS_CREDS_FILE,
    NATS_USER: config.HPB_NATS_USER,
    NATS_PASSWORD: config.HPB_NATS_PASSWORD,
    NATS_TOKEN: config.HPB_NATS_TOKEN,
    NATS_TLS_CA_FILE: config.HPB_NATS_TLS_CA_FILE,
    NATS_TLS_CERT_FILE: config.HPB_NATS_TLS_CERT_FILE,
    NATS_TLS_KEY_FILE: config.HPB_NATS_TLS_KEY_FILE,
  };
  const url = config.HPB_NATS_URL ?? config.NATS_URL;
  const hasOwnAuth = Object.values(own).some((v) => v !== undefined);
  if (url === config.NATS_URL && !hasOwnAuth) return undefined;
  // Without keys of its own, a separate HPB bus is reached anonymously: talkrec's credentials stay on talkrec's bus.
  return { NATS_URL: url, ...own };
}
