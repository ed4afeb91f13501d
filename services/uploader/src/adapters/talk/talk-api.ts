import { randomBytes } from 'node:crypto';
import { injectable } from 'tsyringe';
import type { z } from 'zod';
import {
  TalkRequestUploadBody,
  TalkStoreBody,
  talkNextcloudPaths,
  talkRecordingHeaders,
} from '@talkrec/contracts';
import { readRequestUpload, readStore, type RequestUploadOutcome } from '../../core/talk-answers.js';
import { talkChecksum } from '../../core/talk-signing.js';
import { httpCall, jsonOf, type HttpCall } from '../http/http-client.js';
import { multipartBody } from '../http/multipart.js';

/** A Nextcloud with Talk, as the recording API needs it. */
export interface TalkBackend {
  /** Base URL, no trailing slash. */
  url: string;
  recordingSecret: string;
}

export interface TalkCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

const USER_AGENT = 'talkrec-uploader';

/**
 * Talk's recording upload endpoints (talk-recording-api.md §2.2, §2.3), signed as Talk checks them:
 * `OCS-APIRequest: true`, a 64-character random and the hex HMAC-SHA256 of random + room token with
 * the backend's recording secret. Answers are asked for as JSON.
 */
@injectable()
export class TalkApi {
  private signedHeaders(backend: TalkBackend, token: string): Record<string, string> {
    const random = randomBytes(48).toString('base64url');
    return {
      'OCS-APIRequest': 'true',
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      [talkRecordingHeaders.random]: random,
      [talkRecordingHeaders.checksum]: talkChecksum(backend.recordingSecret, random, token),
    };
  }

  private post(backend: TalkBackend, path: string, call: Omit<HttpCall, 'method' | 'url'>) {
    return httpCall({ ...call, method: 'POST', url: `${backend.url}${path}` });
  }

  /** Asks Talk for an upload share; `fallback` when this Talk cannot take a chunked upload. */
  async requestUpload(
    backend: TalkBackend,
    token: string,
    body: z.input<typeof TalkRequestUploadBody>,
    options: TalkCallOptions,
  ): Promise<RequestUploadOutcome> {
    const answer = await this.post(backend, talkNextcloudPaths.requestUpload(token), {
      ...options,
      operation: 'talk request-upload',
      headers: { ...this.signedHeaders(backend, token), 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(TalkRequestUploadBody.parse(body))),
    });
    return readRequestUpload(answer.status, jsonOf(answer));
  }

  /** The JSON `store` that finishes a chunked upload (and names the speaking-times sidecar). */
  async storeUploaded(
    backend: TalkBackend,
    token: string,
    body: z.input<typeof TalkStoreBody>,
    options: TalkCallOptions,
  ): Promise<void> {
    const answer = await this.post(backend, talkNextcloudPaths.store(token), {
      ...options,
      operation: 'talk store',
      headers: { ...this.signedHeaders(backend, token), 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(TalkStoreBody.parse(body))),
    });
    readStore(answer.status, jsonOf(answer), 'talk store');
  }

  /** The classic multipart `store` (fields `owner` and `file`), streamed from disk. */
  async storeMultipart(
    backend: TalkBackend,
    token: string,
    input: { owner: string; fileName: string; mime: string; path: string; size: number },
    options: TalkCallOptions,
  ): Promise<void> {
    const form = multipartBody(
      { owner: input.owner },
      { field: 'file', name: input.fileName, type: input.mime, path: input.path, size: input.size },
    );
    const answer = await this.post(backend, talkNextcloudPaths.store(token), {
      ...options,
      operation: 'talk multipart store',
      headers: { ...this.signedHeaders(backend, token), 'Content-Type': form.contentType },
      body: form.body,
    });
    readStore(answer.status, jsonOf(answer), 'talk multipart store');
  }
}
