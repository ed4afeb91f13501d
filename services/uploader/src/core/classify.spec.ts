import { describe, expect, it } from 'vitest';
import { MediaIntegrityError } from '@talkrec/platform';
import { classifyFailure } from './classify.js';
import {
  DestinationRefused,
  DestinationUnreachable,
  UploadMisconfigured,
  UploadRejected,
  UploadTooLarge,
} from './errors.js';

const refused = (status: number) => new DestinationRefused(status, 'PUT /x', '');
const pick = (err: unknown) => {
  const f = classifyFailure(err);
  return [f.retryable, f.side, f.code];
};

describe('classifyFailure', () => {
  it('retries network trouble, 5xx and busy answers', () => {
    expect(pick(new DestinationUnreachable('PUT /x', 'ECONNREFUSED'))).toEqual([
      true,
      'destination',
      'destination_unreachable',
    ]);
    expect(pick(refused(503))).toEqual([true, 'destination', 'destination_error']);
    expect(pick(refused(423))).toEqual([true, 'destination', 'destination_busy']);
    expect(pick(refused(429))).toEqual([true, 'destination', 'destination_busy']);
  });

  it('retries a full disk (507) and flags it for the admin', () => {
    const f = classifyFailure(refused(507));
    expect([f.retryable, f.code, f.storageFull]).toEqual([true, 'destination_storage_full', true]);
  });

  it('fails at once on wrong credentials, missing targets and refusals that cannot change', () => {
    expect(pick(refused(401))).toEqual([false, 'destination', 'destination_auth']);
    expect(pick(refused(403))).toEqual([false, 'destination', 'destination_auth']);
    expect(pick(refused(404))).toEqual([false, 'destination', 'destination_not_found']);
    expect(pick(refused(413))).toEqual([false, 'destination', 'too_large']);
    expect(pick(new UploadTooLarge('5 MiB refused'))).toEqual([false, 'destination', 'too_large']);
  });

  it("fails with Talk's reason, except for its passing I/O errors", () => {
    expect(pick(new UploadRejected('file_mimetype', 'talk store'))).toEqual([
      false,
      'destination',
      'talk_file_mimetype',
    ]);
    expect(pick(new UploadRejected('owner_permission', 'talk store'))).toEqual([
      false,
      'destination',
      'talk_owner_permission',
    ]);
    expect(pick(new UploadRejected('size', 'talk store'))).toEqual([false, 'destination', 'too_large']);
    expect(pick(new UploadRejected('fopen_failed', 'talk store'))).toEqual([
      true,
      'destination',
      'talk_fopen_failed',
    ]);
  });

  it('puts config, media and local disk problems on our side', () => {
    expect(pick(new UploadMisconfigured('unknown_backend', 'x'))).toEqual([false, 'ours', 'unknown_backend']);
    expect(pick(new MediaIntegrityError('media_checksum', 'x'))).toEqual([false, 'ours', 'media_checksum']);
    expect(pick(new MediaIntegrityError('media_corrupt', 'x'))).toEqual([true, 'ours', 'media_corrupt']);
    expect(pick(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toEqual([
      true,
      'ours',
      'local_io',
    ]);
    expect(pick(Object.assign(new Error('denied'), { code: 'EACCES' }))).toEqual([
      false,
      'ours',
      'local_path',
    ]);
    expect(pick(new Error('surprise'))).toEqual([true, 'ours', 'internal_error']);
  });
});
