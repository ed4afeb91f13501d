import { randomBytes } from 'node:crypto';
import { confirmedBytes, initialChunkBytes, nextChunk, smallerChunkBytes } from '../core/chunk-plan.js';
import { UploadTooLarge, statusOf } from '../core/errors.js';
import type { ChunkEndpoint } from '../core/ports.js';
import { reconcile } from '../core/resume.js';
import type { ChunkedState } from '../core/upload-record.js';
import type { LocalFile } from '../adapters/fs/work-files.js';
import type { DeliveryContext } from './delivery.js';

export interface ChunkedResult {
  fileId: string | undefined;
  /** The upload folder was gone after a MOVE whose answer never came: assembled, as far as we can tell. */
  assumed: boolean;
}

const newUploadId = (recordingId: string) => `talkrec-${recordingId}-${randomBytes(6).toString('hex')}`;

/** Checks a recorded upload against the server; undefined when it has to start over. */
async function resume(
  endpoint: ChunkEndpoint,
  dc: DeliveryContext,
  state: ChunkedState,
): Promise<ChunkedState | 'assembled' | undefined> {
  const listing = await endpoint.list(state.uploadId, dc.signal);
  if (listing === 'missing') {
    if (state.moveSent) return 'assembled';
    dc.log.warn({ uploadId: state.uploadId }, 'upload folder gone, starting over');
    return undefined;
  }
  const { confirmed, extra } = reconcile(state.confirmed, listing);
  for (const n of extra) await endpoint.remove(state.uploadId, n, dc.signal);
  if (confirmed.length < state.confirmed.length) {
    dc.log.warn(
      { uploadId: state.uploadId, recorded: state.confirmed.length, onServer: confirmed.length },
      'server lost confirmed chunks, sending them again',
    );
  }
  dc.log.info(
    { uploadId: state.uploadId, chunks: confirmed.length, bytes: confirmedBytes({ ...state, confirmed }) },
    'chunked upload resumed',
  );
  return { ...state, confirmed };
}

/**
 * Nextcloud chunking v2 with resume: chunks go one after another and each confirmed one is recorded
 * before the next, so a new attempt (after an error, a restart or a crash) lists the upload folder and
 * sends only what the server does not hold. A 413 halves the chunk size down to 5 MiB; the MOVE is
 * recorded before it is sent, so an upload folder missing afterwards reads as assembled.
 */
export async function uploadInChunks(
  endpoint: ChunkEndpoint,
  dc: DeliveryContext,
  file: LocalFile,
  configuredChunkBytes: number,
): Promise<ChunkedResult> {
  const total = file.size;
  let state = dc.record.chunked && (await resume(endpoint, dc, dc.record.chunked));
  if (state === 'assembled') {
    dc.log.warn(
      { uploadId: dc.record.chunked?.uploadId },
      'upload folder gone after MOVE, taking the file as assembled',
    );
    return { fileId: undefined, assumed: true };
  }
  if (!state) {
    state = {
      uploadId: newUploadId(dc.job.recordingId),
      chunkBytes: initialChunkBytes(total, configuredChunkBytes),
      confirmed: [],
      moveSent: false,
    };
    await endpoint.create(state.uploadId, dc.signal);
  }
  const current = state;
  dc.record.chunked = current;
  await dc.save();
  dc.progress(confirmedBytes(current));
  for (let next = nextChunk(current, total); next; next = nextChunk(current, total)) {
    await file.available(next.offset + next.bytes);
    try {
      await endpoint.put(
        current.uploadId,
        next.number,
        { path: file.path, offset: next.offset, bytes: next.bytes },
        dc.signal,
      );
    } catch (err) {
      if (statusOf(err) !== 413) throw err;
      const smaller = smallerChunkBytes(current, total);
      if (smaller === undefined) {
        throw new UploadTooLarge(
          `chunk ${next.number} of ${next.bytes} bytes refused with 413 and chunks cannot get smaller`,
          {
            cause: err,
          },
        );
      }
      dc.log.warn(
        { chunk: next.number, from: current.chunkBytes, to: smaller },
        'chunk too large for the server, halving',
      );
      current.chunkBytes = smaller;
      await dc.save();
      continue;
    }
    current.confirmed.push(next.bytes);
    await dc.save();
    dc.progress(confirmedBytes(current));
  }
  // Assembling commits the upload: only a file that matched its checksum may get there.
  await file.complete;
  current.moveSent = true;
  await dc.save();
  const { fileId } = await endpoint.assemble(current.uploadId, dc.signal);
  return { fileId, assumed: false };
}
