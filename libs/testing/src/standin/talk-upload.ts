import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import {
  SpeakingTimes,
  TALK_MIN_RANDOM_LENGTH,
  talkRecordingHeaders,
  type SpeakingTimes as SpeakingTimesType,
} from '@talkrec/contracts';
import { checksumMatches } from './checksum.js';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { PERMISSION } from './shares.js';
import { ocsReply, passesCsrf } from './shares-ocs.js';
import { sniffMime } from './talk-upload-sniff.js';
import { mimeForName } from './webdav-files.js';

/** Talk's `DEFAULT_ALLOWED_RECORDING_FORMATS`: content MIME type → allowed extensions. */
export const ALLOWED_RECORDING_FORMATS: Record<string, string[]> = {
  'audio/ogg': ['ogg'],
  'video/ogg': ['ogv'],
  'video/mp4': ['mp4'],
  'video/webm': ['webm'],
  'video/x-matroska': ['mkv'],
};

export interface TalkUploadOptions {
  /** Talk has `request-upload` (spreed#18359); false is an older Talk, which answers 404. */
  chunkedUpload: boolean;
  /** Link shares with public upload allowed; false makes `request-upload` answer 400 sharing_disabled. */
  publicUpload: boolean;
  /** PHP's post_max_size for the multipart `store`: a larger body reaches Talk without its fields. */
  maxPostBytes: number | undefined;
  /** The owner's attachment folder (Talk's default `/Talk`). */
  attachmentFolder: string;
}

/** A recording Talk accepted (its `record_file_stored` notification). */
export interface StoredRecording {
  token: string;
  owner: string;
  /** Path in the owner's files. */
  path: string;
  bytes: number;
  via: 'chunked' | 'multipart';
  intervalsFileName: string | undefined;
  intervals: SpeakingTimesType | undefined;
}

class TalkRefusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const RECORDING_API = '/ocs/v2.php/apps/spreed/api/v1/recording';

const extensionOf = (name: string) => path.extname(name).slice(1).toLowerCase();

/**
 * Talk's recording upload endpoints (talk-recording-api.md §2.2, §2.3): `request-upload` (a
 * password-protected create-only link share on the room's recording folder), the JSON `store` that
 * finishes a chunked upload, and the classic multipart `store`. Checked as Talk checks them: CSRF
 * header, room, `Talk-Recording-Random` ≥ 32 chars and HMAC(secret, random + room token), owner, file
 * name and content type, with Talk's answers.
 */
export class TalkUploadStandIn {
  readonly options: TalkUploadOptions = {
    chunkedUpload: true,
    publicUpload: true,
    maxPostBytes: undefined,
    attachmentFolder: '/Talk',
  };
  readonly stored: StoredRecording[] = [];
  /** Upload share token per `<room>/<fileName>`, as Talk remembers it in its app config. */
  private readonly uploadShares = new Map<string, string>();

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('POST', `${RECORDING_API}/:token/request-upload`, (ctx) => this.requestUpload(ctx));
    nc.http.on('POST', `${RECORDING_API}/:token/store`, (ctx) => this.store(ctx));
  }

  /** The room's recording folder in the owner's files. */
  recordingFolder(token: string): string {
    return path.posix.join(this.options.attachmentFolder, 'Recording', token);
  }

  private violation(ctx: Ctx, problem: string): void {
    this.nc.violations.push({ at: Date.now(), area: 'talk-upload', path: ctx.path, problem });
  }

  /** CSRF, RequireRoom and the backend signature, in Nextcloud's middleware order. */
  private admitted(ctx: Ctx): boolean {
    if (this.nc.webdav.proxyRefuses(ctx)) return false;
    if (!passesCsrf(ctx, this.nc.violations, 'talk-upload')) return false;
    const token = ctx.params.token ?? '';
    if (!this.nc.directory.rooms.has(token)) {
      ctx.req.resume();
      ocsReply(ctx, 404, []);
      return false;
    }
    const random = String(ctx.req.headers[talkRecordingHeaders.random] ?? '');
    const checksum = String(ctx.req.headers[talkRecordingHeaders.checksum] ?? '');
    if (
      random.length < TALK_MIN_RANDOM_LENGTH ||
      !checksum ||
      !checksumMatches(this.nc.recordingSecret, random, token, checksum)
    ) {
      this.violation(ctx, 'bad or missing Talk-Recording checksum (HMAC over random + room token)');
      ctx.req.resume();
      ocsReply(ctx, 401, {
        type: 'error',
        error: { code: 'invalid_request', message: 'The request could not be authenticated.' },
      });
      return false;
    }
    return true;
  }

  private refuse(ctx: Ctx, code: string): void {
    ctx.req.resume();
    ocsReply(ctx, 400, { error: code });
  }

  private requireParticipant(token: string, owner: string): void {
    if (!this.nc.directory.rooms.get(token)?.participants.includes(owner)) {
      throw new TalkRefusal('owner_participant');
    }
  }

  private async jsonBody(ctx: Ctx): Promise<Record<string, unknown> | undefined> {
    if (!String(ctx.req.headers['content-type'] ?? '').includes('application/json')) {
      this.violation(ctx, 'JSON body without Content-Type: application/json');
    }
    const body = await ctx.body(64 * 1024);
    try {
      const parsed = JSON.parse(body?.toString('utf8') ?? '') as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private async requestUpload(ctx: Ctx): Promise<void> {
    if (!this.options.chunkedUpload) {
      // An older Talk has no such route.
      ctx.req.resume();
      ocsReply(ctx, 404, [], 'Invalid query, please check the syntax.');
      return;
    }
    if (!this.admitted(ctx)) return;
    const token = ctx.params.token!;
    const body = await this.jsonBody(ctx);
    const owner = typeof body?.owner === 'string' ? body.owner : undefined;
    const requested = typeof body?.fileName === 'string' ? body.fileName : undefined;
    if (owner === undefined || requested === undefined) {
      this.violation(ctx, 'request-upload without owner and fileName');
      this.refuse(ctx, 'owner_participant');
      return;
    }
    try {
      this.requireParticipant(token, owner);
      const fileName = path.posix.basename(requested);
      if (fileName === '') throw new TalkRefusal('file_name');
      const allowed = Object.values(ALLOWED_RECORDING_FORMATS).flat();
      if (!allowed.includes(extensionOf(fileName))) throw new TalkRefusal('file_extension');
      if (!this.options.publicUpload) throw new TalkRefusal('sharing_disabled');
      const folder = this.recordingFolder(token);
      await this.nc.webdav.files.ensureUser(owner);
      await this.nc.webdav.files.mkdirp(owner, folder);
      const password = randomBytes(15).toString('base64url').slice(0, 20);
      const share = this.nc.shares.createLinkShare({
        owner,
        path: folder,
        permissions: PERMISSION.create,
        password,
        expiresAt: this.nc.shares.now() + 24 * 3600 * 1000,
        label: `Talk recording upload ${token}`,
      });
      this.uploadShares.set(`${token}/${fileName}`, share.token);
      ocsReply(ctx, 200, { token: share.token, password, fileName });
    } catch (err) {
      if (!(err instanceof TalkRefusal)) throw err;
      this.refuse(ctx, err.code);
    }
  }

  private async store(ctx: Ctx): Promise<void> {
    if (!this.admitted(ctx)) return;
    const type = String(ctx.req.headers['content-type'] ?? '');
    try {
      if (type.startsWith('multipart/form-data')) await this.storeMultipart(ctx);
      else await this.finishUpload(ctx);
    } catch (err) {
      if (!(err instanceof TalkRefusal)) throw err;
      this.refuse(ctx, err.code);
    }
  }

  private cleanupShare(token: string, fileName: string): void {
    const key = `${token}/${fileName}`;
    const shareToken = this.uploadShares.get(key);
    if (shareToken) this.nc.shares.deleteLinkShare(shareToken);
    this.uploadShares.delete(key);
  }

  /** Talk trusts the file cache (extension-based); a content mismatch is still our bug, so it is a violation. */
  private checkFormat(fileName: string, mime: string): void {
    const allowed = ALLOWED_RECORDING_FORMATS[mime];
    if (!allowed) throw new TalkRefusal('file_mimetype');
    if (!allowed.includes(extensionOf(fileName))) throw new TalkRefusal('file_extension');
  }

  private async finishUpload(ctx: Ctx): Promise<void> {
    const token = ctx.params.token!;
    if (!this.options.chunkedUpload) {
      this.violation(ctx, 'JSON store sent to a Talk without chunked upload');
      throw new TalkRefusal('invalid_file');
    }
    const body = await this.jsonBody(ctx);
    const owner = typeof body?.owner === 'string' ? body.owner : undefined;
    const requested = typeof body?.fileName === 'string' ? body.fileName : undefined;
    if (owner === undefined) throw new TalkRefusal('size');
    this.requireParticipant(token, owner);
    const fileName = path.posix.basename(requested ?? '');
    const files = this.nc.webdav.files;
    const folder = this.recordingFolder(token);
    const filePath = path.posix.join(folder, fileName);
    const node = fileName ? await files.node(owner, filePath) : undefined;
    if (!node || node.type !== 'file') {
      this.cleanupShare(token, fileName);
      throw new TalkRefusal('invalid_file');
    }
    const refuseAndDelete = async (code: string) => {
      await files.remove(owner, filePath);
      this.cleanupShare(token, fileName);
      return new TalkRefusal(code);
    };
    if (node.size === 0) throw await refuseAndDelete('empty_file');
    const sniffed = await sniffMime(files.diskPath(owner, filePath));
    if (sniffed !== node.mime) {
      this.violation(ctx, `${fileName} is named as ${node.mime} but contains ${sniffed}`);
    }
    try {
      this.checkFormat(fileName, mimeForName(fileName));
    } catch (err) {
      if (err instanceof TalkRefusal) throw await refuseAndDelete(err.code);
      throw err;
    }
    const intervalsFileName =
      typeof body?.intervalsFileName === 'string' ? path.posix.basename(body.intervalsFileName) : undefined;
    const intervals = intervalsFileName
      ? await this.readIntervals(ctx, owner, folder, intervalsFileName)
      : undefined;
    this.stored.push({
      token,
      owner,
      path: filePath,
      bytes: node.size,
      via: 'chunked',
      intervalsFileName,
      intervals,
    });
    this.cleanupShare(token, fileName);
    ocsReply(ctx, 200, null);
  }

  private async readIntervals(
    ctx: Ctx,
    owner: string,
    folder: string,
    name: string,
  ): Promise<SpeakingTimesType | undefined> {
    const files = this.nc.webdav.files;
    const file = path.posix.join(folder, name);
    if (!(await files.node(owner, file))) {
      this.violation(ctx, `intervals file ${name} is not in the recording folder`);
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse((await files.read(owner, file)).toString('utf8'));
    } catch {
      // Talk deletes an intervals file that is not JSON and carries on without it.
      await files.remove(owner, file);
      this.violation(ctx, `intervals file ${name} is not valid JSON`);
      return undefined;
    }
    const checked = SpeakingTimes.safeParse(parsed);
    if (!checked.success) {
      this.violation(ctx, `intervals file ${name} does not have Talk's speaking-times shape`);
      return undefined;
    }
    return checked.data;
  }

  private async storeMultipart(ctx: Ctx): Promise<void> {
    const token = ctx.params.token!;
    const files = this.nc.webdav.files;
    const temp = await files.tempFile('multipart');
    let owner: string | undefined;
    let upload: { name: string; bytes: number } | undefined;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    const parser = busboy({ headers: ctx.req.headers });
    const fileDone: Promise<void>[] = [];
    parser.on('field', (name: string, value: string) => {
      if (name === 'owner') owner = value;
    });
    parser.on('file', (name: string, stream: NodeJS.ReadableStream, info: { filename: string }) => {
      if (name !== 'file' || upload) {
        stream.resume();
        return;
      }
      const current = { name: info.filename, bytes: 0 };
      upload = current;
      stream.on('data', (c: Buffer) => (current.bytes += c.length));
      fileDone.push(pipeline(stream, createWriteStream(temp)));
    });
    try {
      await pipeline(ctx.req, counter, parser);
      await Promise.all(fileDone);
      const limit = this.options.maxPostBytes;
      // PHP drops every field of a POST over post_max_size; Talk then sees no owner.
      if (limit !== undefined && bytes > limit) throw new TalkRefusal('size');
      if (owner === undefined) throw new TalkRefusal('size');
      this.requireParticipant(token, owner);
      if (!upload) throw new TalkRefusal('invalid_file');
      if (upload.bytes === 0) throw new TalkRefusal('empty_file');
      const fileName = path.posix.basename(upload.name);
      this.checkFormat(fileName, await sniffMime(temp));
      const folder = this.recordingFolder(token);
      await files.ensureUser(owner);
      await files.mkdirp(owner, folder);
      const { node } = await files.commit(owner, path.posix.join(folder, fileName), temp);
      this.stored.push({
        token,
        owner,
        path: node.path,
        bytes: node.size,
        via: 'multipart',
        intervalsFileName: undefined,
        intervals: undefined,
      });
      ocsReply(ctx, 200, null);
    } finally {
      await rm(temp, { force: true });
    }
  }
}
