import { inject, injectable } from 'tsyringe';
import { TOKENS } from '@talkrec/platform';
import type { UploaderConfig, WebdavAccount } from '../config.js';
import { UploadMisconfigured, UploadNotConfirmed, statusOf } from '../core/errors.js';
import {
  alternativePath,
  cleanPath,
  nextcloudAccount,
  numericFileId,
  parentFolders,
  type NextcloudAccountUrls,
} from '../core/paths.js';
import type { DeliveredResult, WebdavState } from '../core/upload-record.js';
import { ShareApi } from '../adapters/nextcloud/share-api.js';
import { DavClient } from '../adapters/webdav/dav-client.js';
import { NextcloudChunks } from '../adapters/webdav/nextcloud-chunks.js';
import type { LocalFile } from '../adapters/fs/work-files.js';
import { uploadInChunks } from './chunked-upload.js';
import type { Delivery, DeliveryContext, TargetOf } from './delivery.js';

/** How one account's DAV is addressed: a Nextcloud user (files + uploads) or a generic WebDAV folder. */
interface Dav {
  client: DavClient;
  nextcloud: NextcloudAccountUrls | undefined;
  /** DAV path of a path in the account's files. */
  filePath: (p: string) => string;
}

/**
 * The `webdav` target: a configured account (a Nextcloud user with an app password, or any WebDAV
 * server) and a path resolved by the controller. Folders are created as needed; Nextcloud gets
 * chunking v2 for big files (and after a 413 on a plain PUT), everything else a plain PUT; the result
 * is checked with a PROPFIND; `shareToRoom` shares it into the conversation.
 */
@injectable()
export class WebdavDelivery implements Delivery<'webdav'> {
  constructor(
    @inject(TOKENS.Config) private readonly config: UploaderConfig,
    @inject(ShareApi) private readonly shares: ShareApi,
  ) {}

  private get timeoutMs(): number {
    return this.config.UPLOAD_REQUEST_TIMEOUT_S * 1000;
  }

  private dav(account: WebdavAccount): Dav {
    const credentials = { username: account.username, password: account.password };
    if (!account.nextcloud) {
      return {
        client: new DavClient({ root: account.url, ...credentials }, this.timeoutMs),
        nextcloud: undefined,
        filePath: (p) => p,
      };
    }
    const nextcloud = nextcloudAccount(account.url);
    if (!nextcloud) {
      throw new UploadMisconfigured(
        'webdav_account_url',
        `account ${account.id}: a Nextcloud account URL must end in /remote.php/dav/files/<user>`,
      );
    }
    return {
      client: new DavClient({ root: `${nextcloud.base}/remote.php/dav`, ...credentials }, this.timeoutMs),
      nextcloud,
      filePath: (p) => `/files/${nextcloud.userId}${p}`,
    };
  }

  async deliver(dc: DeliveryContext, target: TargetOf<'webdav'>): Promise<DeliveredResult> {
    const account = this.config.WEBDAV_ACCOUNTS?.find((a) => a.id === target.account);
    if (!account) {
      throw new UploadMisconfigured(
        'unknown_webdav_account',
        `WebDAV account ${target.account} is not configured`,
      );
    }
    const path = cleanPath(target.path);
    if (!path) throw new UploadMisconfigured('invalid_path', `upload path ${target.path} is not a file path`);
    const dav = this.dav(account);
    const chunkable = dav.nextcloud !== undefined;
    const state = (dc.record.webdav ??= {
      mode: chunkable && dc.job.bytes >= this.config.UPLOAD_CHUNK_THRESHOLD_BYTES ? 'chunked' : 'plain',
      uploaded: false,
    });
    if (!state.path) {
      state.path = await this.freePath(dc, dav, path);
      await dc.save();
    }
    const destination = state.path;
    if (!state.uploaded) await this.upload(dc, dav, destination, state);
    if (target.shareToRoom && !state.share) await this.shareIntoRoom(dc, account, dav, destination, state);
    const id = numericFileId(state.fileId);
    return {
      location: destination,
      ...(dav.nextcloud && id !== undefined ? { url: `${dav.nextcloud.base}/f/${id}` } : {}),
      sharedToRoom: state.share === 'shared',
    };
  }

  /**
   * The target path unless another file is there: a recording must never overwrite another one, so it
   * goes beside it as `name (2).ext`. A file of exactly our size is taken to be ours from an attempt
   * that crashed before recording its success, and is overwritten.
   */
  private async freePath(dc: DeliveryContext, dav: Dav, path: string): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? path : alternativePath(path, n);
      const existing = await dav.client.stat(dav.filePath(candidate), dc.signal, false);
      if (!existing || existing.size === dc.job.bytes) return candidate;
      dc.log.warn(
        { path: candidate, bytes: existing.size },
        'another file holds the target path, trying the next name',
      );
    }
  }

  private async upload(dc: DeliveryContext, dav: Dav, path: string, state: WebdavState): Promise<void> {
    const file = await dc.file();
    await dav.client.ensureFolders(parentFolders(path).map(dav.filePath), dc.signal);
    if (state.mode === 'plain') {
      await file.complete;
      try {
        dc.progress(0);
        await dav.client.putFile(
          dav.filePath(path),
          { path: file.path, offset: 0, bytes: file.size },
          {},
          dc.signal,
        );
      } catch (err) {
        if (statusOf(err) !== 413 || !dav.nextcloud) throw err;
        dc.log.warn({ bytes: file.size }, 'file too large for a single PUT, switching to chunked upload');
        state.mode = 'chunked';
        await dc.save();
      }
    }
    if (state.mode === 'chunked') await this.chunked(dc, dav, path, file, state);
    const stored = await dav.client.stat(dav.filePath(path), dc.signal, dav.nextcloud !== undefined);
    if (!stored || stored.size !== file.size) {
      // Only a MOVE whose answer never came can get here: the next attempt uploads again.
      dc.record.chunked = undefined;
      await dc.save();
      throw new UploadNotConfirmed(
        `${path} has ${stored?.size ?? 'no'} bytes on the server, expected ${file.size}`,
      );
    }
    state.fileId ??= stored.fileId;
    state.uploaded = true;
    await dc.save();
    dc.progress(file.size);
  }

  private async chunked(
    dc: DeliveryContext,
    dav: Dav,
    path: string,
    file: LocalFile,
    state: WebdavState,
  ): Promise<void> {
    const userId = dav.nextcloud!.userId;
    const endpoint = new NextcloudChunks(
      dav.client,
      `/uploads/${userId}`,
      dav.client.url(dav.filePath(path)),
      file.size,
    );
    const result = await uploadInChunks(endpoint, dc, file, this.config.UPLOAD_CHUNK_BYTES);
    state.fileId = result.fileId;
  }

  private async shareIntoRoom(
    dc: DeliveryContext,
    account: WebdavAccount,
    dav: Dav,
    path: string,
    state: WebdavState,
  ): Promise<void> {
    if (!dav.nextcloud) {
      dc.log.warn(
        { account: account.id },
        'cannot share into the conversation: the account is not a Nextcloud',
      );
      state.share = 'refused';
    } else {
      const outcome = await this.shares.shareIntoRoom(
        { base: dav.nextcloud.base, username: account.username, password: account.password },
        path,
        dc.job.room.token,
        { signal: dc.signal, timeoutMs: this.timeoutMs },
      );
      if (outcome.kind === 'refused') {
        dc.log.warn(
          { reason: outcome.reason },
          'nextcloud refused to share the recording into the conversation',
        );
      }
      state.share = outcome.kind === 'shared' ? 'shared' : 'refused';
    }
    await dc.save();
  }
}
