import type { ChunkEndpoint, FileSlice } from '../../core/ports.js';
import type { DavClient } from './dav-client.js';

/**
 * Nextcloud chunking v2 over a DAV client: the upload folders live under `uploadsPath` (a user's
 * `/uploads/<uid>` or a share's `/uploads/<token>`), and MKCOL, every chunk PUT and the MOVE carry the
 * final file's URL in `Destination` and the whole size in `OC-Total-Length`, as the server (and its
 * quota check) expects.
 */
export class NextcloudChunks implements ChunkEndpoint {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly dav: DavClient,
    private readonly uploadsPath: string,
    destinationUrl: string,
    totalBytes: number,
  ) {
    this.headers = { Destination: destinationUrl, 'OC-Total-Length': String(totalBytes) };
  }

  private folder(uploadId: string): string {
    return `${this.uploadsPath}/${uploadId}`;
  }

  async create(uploadId: string, signal: AbortSignal): Promise<void> {
    await this.dav.mkcol(this.folder(uploadId), this.headers, signal);
  }

  list(uploadId: string, signal: AbortSignal) {
    return this.dav.listChunks(this.folder(uploadId), signal);
  }

  put(uploadId: string, chunk: number, slice: FileSlice, signal: AbortSignal): Promise<void> {
    return this.dav.putFile(`${this.folder(uploadId)}/${chunk}`, slice, this.headers, signal);
  }

  remove(uploadId: string, chunk: number, signal: AbortSignal): Promise<void> {
    return this.dav.remove(`${this.folder(uploadId)}/${chunk}`, signal);
  }

  assemble(uploadId: string, signal: AbortSignal) {
    return this.dav.move(`${this.folder(uploadId)}/.file`, this.headers, signal);
  }
}
