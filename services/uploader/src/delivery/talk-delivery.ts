import { inject, injectable } from 'tsyringe';
import { SpeakingTimes } from '@talkrec/contracts';
import { TOKENS, type BackendConfig } from '@talkrec/platform';
import type { UploaderConfig } from '../config.js';
import {
  DestinationRefused,
  UploadMisconfigured,
  UploadNotConfirmed,
  UploadRejected,
  statusOf,
} from '../core/errors.js';
import { speakingTimesName } from '../core/paths.js';
import type { DeliveredResult, TalkState } from '../core/upload-record.js';
import { TalkApi, type TalkBackend } from '../adapters/talk/talk-api.js';
import { DavClient } from '../adapters/webdav/dav-client.js';
import { NextcloudChunks } from '../adapters/webdav/nextcloud-chunks.js';
import { WorkFiles } from '../adapters/fs/work-files.js';
import { UPLOADER } from '../tokens.js';
import { uploadInChunks } from './chunked-upload.js';
import type { Delivery, DeliveryContext, TargetOf } from './delivery.js';

type Share = NonNullable<TalkState['share']>;

/** Where Talk puts recordings with its default attachment folder (a user setting can move it). */
const recordingLocation = (token: string, fileName: string) => `/Talk/Recording/${token}/${fileName}`;

/**
 * The `talk` target, as Talk's own recording server does it (talk-recording-api.md §2.3): ask
 * `request-upload` for an upload share, upload with chunking v2 into the share, put the speaking-times
 * sidecar beside the file, then the JSON `store`. A Talk that cannot take chunked uploads (404, or 400
 * sharing_disabled) gets the classic multipart `store`.
 */
@injectable()
export class TalkDelivery implements Delivery<'talk'> {
  constructor(
    @inject(TOKENS.Config) private readonly config: UploaderConfig,
    @inject(UPLOADER.Backends) private readonly backends: BackendConfig[],
    @inject(WorkFiles) private readonly work: WorkFiles,
    @inject(TalkApi) private readonly api: TalkApi,
  ) {}

  private get timeoutMs(): number {
    return this.config.UPLOAD_REQUEST_TIMEOUT_S * 1000;
  }

  private backend(dc: DeliveryContext): TalkBackend {
    const { backendId } = dc.job.room;
    const backend = this.backends.find((b) => b.id === backendId);
    if (!backend) throw new UploadMisconfigured('unknown_backend', `backend ${backendId} is not configured`);
    if (!backend.recordingSecret) {
      throw new UploadMisconfigured(
        'no_recording_secret',
        `backend ${backendId} has no Talk recording secret`,
      );
    }
    return { url: backend.url, recordingSecret: backend.recordingSecret };
  }

  async deliver(dc: DeliveryContext, target: TargetOf<'talk'>): Promise<DeliveredResult> {
    const backend = this.backend(dc);
    const { token } = dc.job.room;
    const options = { signal: dc.signal, timeoutMs: this.timeoutMs };
    const talk = (dc.record.talk ??= { mode: 'chunked', assembled: false, sidecar: 'pending' });
    if (talk.mode === 'chunked' && !talk.share) {
      const outcome = await this.api.requestUpload(
        backend,
        token,
        { owner: target.owner, fileName: dc.job.fileName },
        options,
      );
      if (outcome.kind === 'fallback') {
        dc.log.info({ reason: outcome.reason }, 'talk takes no chunked upload, using the multipart store');
        talk.mode = 'multipart';
      } else {
        talk.share = { ...outcome.share, obtainedAt: dc.now() };
      }
      await dc.save();
    }
    if (talk.mode === 'multipart' || !talk.share) return this.multipart(dc, backend, target);
    const share = talk.share;
    if (!talk.assembled) {
      try {
        await this.uploadToShare(dc, backend, share, talk);
      } catch (err) {
        // Talk's upload share lives a day and is gone after a store; one from an earlier attempt may be stale.
        const status = statusOf(err);
        if (share.obtainedAt < dc.startedAt && (status === 401 || status === 404)) {
          dc.log.warn({ status }, 'upload share no longer valid, asking talk for a new one');
          this.restart(dc, talk);
          await dc.save();
          return this.deliver(dc, target);
        }
        throw err;
      }
    }
    if (dc.job.speakingTimesObject && talk.sidecar === 'pending') {
      await this.sidecar(dc, backend, share, talk, dc.job.speakingTimesObject);
    }
    try {
      await this.api.storeUploaded(
        backend,
        token,
        {
          owner: target.owner,
          fileName: share.fileName,
          ...(talk.intervalsFileName ? { intervalsFileName: talk.intervalsFileName } : {}),
        },
        options,
      );
    } catch (err) {
      if (
        err instanceof UploadRejected &&
        err.talkCode === 'invalid_file' &&
        talk.assembledBy === 'assumed'
      ) {
        this.restart(dc, talk);
        await dc.save();
        throw new UploadNotConfirmed(
          'talk found no file after a MOVE that was never answered; uploading again',
        );
      }
      throw err;
    }
    return { location: recordingLocation(token, share.fileName), sharedToRoom: false };
  }

  private restart(dc: DeliveryContext, talk: TalkState): void {
    talk.share = undefined;
    talk.assembled = false;
    talk.assembledBy = undefined;
    talk.sidecar = 'pending';
    talk.intervalsFileName = undefined;
    dc.record.chunked = undefined;
  }

  private shareClient(backend: TalkBackend, share: Share): DavClient {
    return new DavClient(
      {
        root: `${backend.url}/public.php/dav`,
        username: share.token,
        password: share.password,
        // Public DAV writes need it when outgoing federation is off (nextcloud-protocols.md §1.8).
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
      this.timeoutMs,
    );
  }

  private async uploadToShare(
    dc: DeliveryContext,
    backend: TalkBackend,
    share: Share,
    talk: TalkState,
  ): Promise<void> {
    const dav = this.shareClient(backend, share);
    const file = await dc.file();
    const destination = dav.url(`/files/${share.token}/${share.fileName}`);
    const endpoint = new NextcloudChunks(dav, `/uploads/${share.token}`, destination, file.size);
    const result = await uploadInChunks(endpoint, dc, file, this.config.UPLOAD_CHUNK_BYTES);
    talk.assembled = true;
    talk.assembledBy = result.assumed ? 'assumed' : 'answer';
    await dc.save();
  }

  /** The speaking-times sidecar, beside the recording in the upload share; optional for Talk. */
  private async sidecar(
    dc: DeliveryContext,
    backend: TalkBackend,
    share: Share,
    talk: TalkState,
    object: string,
  ): Promise<void> {
    const data = await this.work.bytes(object);
    let valid = false;
    try {
      valid = data !== undefined && SpeakingTimes.safeParse(JSON.parse(data.toString('utf8'))).success;
    } catch {
      valid = false;
    }
    if (!data || !valid) {
      dc.log.warn({ object }, 'speaking times missing or malformed, storing the recording without them');
      talk.sidecar = 'skipped';
      await dc.save();
      return;
    }
    const name = speakingTimesName(share.fileName);
    try {
      await this.shareClient(backend, share).putBytes(`/files/${share.token}/${name}`, data, {}, dc.signal);
      talk.sidecar = 'uploaded';
      talk.intervalsFileName = name;
    } catch (err) {
      if (!(err instanceof DestinationRefused) || err.status >= 500) throw err;
      dc.log.warn({ status: err.status }, 'speaking times refused, storing the recording without them');
      talk.sidecar = 'skipped';
    }
    await dc.save();
  }

  private async multipart(
    dc: DeliveryContext,
    backend: TalkBackend,
    target: TargetOf<'talk'>,
  ): Promise<DeliveredResult> {
    const file = await dc.file();
    await file.complete;
    if (dc.job.speakingTimesObject) {
      dc.log.info('the multipart store takes no speaking times; sending the recording alone');
    }
    dc.progress(0);
    await this.api.storeMultipart(
      backend,
      dc.job.room.token,
      { owner: target.owner, fileName: dc.job.fileName, mime: dc.job.mime, path: file.path, size: file.size },
      { signal: dc.signal, timeoutMs: this.timeoutMs },
    );
    dc.progress(file.size);
    return { location: recordingLocation(dc.job.room.token, dc.job.fileName), sharedToRoom: false };
  }
}
