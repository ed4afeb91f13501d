import { z } from 'zod';
import { backendsConfigShape, baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

/** A WebDAV account uploads can go to (a Nextcloud user with an app password, or any WebDAV server). */
export const WebdavAccount = z.object({
  id: z.string().min(1),
  /** WebDAV root of the account's files, e.g. `https://cloud.example.com/remote.php/dav/files/recorder`. */
  url: z.url(),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Use Nextcloud chunking v2 for files above UPLOAD_CHUNK_THRESHOLD_BYTES. */
  nextcloud: z.boolean().default(true),
});
export type WebdavAccount = z.infer<typeof WebdavAccount>;

export const uploaderConfigShape = {
  ...baseConfigShape,
  ...backendsConfigShape,
  ...opsListenKey('127.0.0.1:9104'),
  UPLOAD_CONCURRENCY: env.int({ default: 2, min: 1, max: 64 }),
  /** Folder for the `local` target (the embedded default). */
  LOCAL_RECORDINGS_DIR: env.string('./recordings'),
  /** WebDAV accounts as a JSON list (or WEBDAV_ACCOUNTS_FILE); secret, as it holds app passwords. */
  WEBDAV_ACCOUNTS: env.json(z.array(WebdavAccount)).optional().describe('secret'),
  /** Chunk size for chunked uploads (Nextcloud: 5 MiB … 5 GiB); a 413 halves it, down to 5 MiB. */
  UPLOAD_CHUNK_BYTES: env.int({
    default: 10 * 1024 * 1024,
    min: 5 * 1024 * 1024,
    max: 5 * 1024 * 1024 * 1024,
  }),
  /** Files at least this big go to Nextcloud accounts in chunks (Talk uploads are always chunked). */
  UPLOAD_CHUNK_THRESHOLD_BYTES: env.int({ default: 10 * 1024 * 1024, min: 0 }),
  /** How long failed deliveries are retried before the recording fails (hours). */
  UPLOAD_RETRY_HOURS: env.number({ default: 6, min: 0.01, max: 24 * 14 }),
  /** First retry delay after a failed attempt (seconds); it doubles (with jitter) up to the maximum. */
  UPLOAD_BACKOFF_BASE_S: env.number({ default: 5, min: 0.05, max: 3600 }),
  UPLOAD_BACKOFF_MAX_S: env.number({ default: 600, min: 0.1, max: 6 * 3600 }),
  /** Longest a single HTTP request may take (a chunk, a PUT, a MOVE that assembles GiB) (seconds). */
  UPLOAD_REQUEST_TIMEOUT_S: env.number({ default: 600, min: 1, max: 24 * 3600 }),
  WORK_DIR: env.string('/tmp/talkrec-uploader'),
};

export type UploaderConfig = ReturnType<typeof loadUploaderConfig>;
export const loadUploaderConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(uploaderConfigShape, source);
