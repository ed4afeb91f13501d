import { createReadStream, type ReadStream } from 'node:fs';
import { createClient, type FileStat, type ResponseDataDetailed, type WebDAVClient } from 'webdav';
import { DestinationRefused, DestinationUnreachable } from '../../core/errors.js';
import { encodePath } from '../../core/paths.js';
import type { FileSlice } from '../../core/ports.js';

/** A DAV root and the credentials for it. */
export interface DavAccount {
  /** DAV root URL, e.g. `https://cloud.example.com/remote.php/dav` or a generic server's folder. */
  root: string;
  username: string;
  password: string;
  /** Sent with every request (e.g. `X-Requested-With` for public shares). */
  headers?: Record<string, string>;
}

/** Asks Nextcloud for the file id along with the size (an empty PROPFIND would not return it). */
const PROPFIND_WITH_ID = `<?xml version="1.0"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
  <d:prop><d:getcontentlength/><d:resourcetype/><d:getetag/><oc:fileid/></d:prop>
</d:propfind>`;

type Headers = Record<string, string>;

/**
 * The only user of the `webdav` package: WebDAV operations for uploads, each with a timeout and the
 * job's abort signal, and with failures turned into DestinationRefused (an HTTP error answer) or
 * DestinationUnreachable (no answer).
 */
export class DavClient {
  private readonly client: WebDAVClient;

  constructor(
    readonly account: DavAccount,
    private readonly timeoutMs: number,
  ) {
    this.client = createClient(account.root, {
      username: account.username,
      password: account.password,
      headers: account.headers ?? {},
    });
  }

  /** The absolute URL of a path under the root (for `Destination` headers). */
  url(p: string): string {
    return `${this.account.root.replace(/\/+$/, '')}${encodePath(p)}`;
  }

  /** MKCOL; a collection that already exists (405) is fine. */
  async mkcol(p: string, headers: Headers, signal: AbortSignal): Promise<'created' | 'exists'> {
    try {
      await this.call('MKCOL', p, signal, (s) => this.client.createDirectory(p, { headers, signal: s }));
      return 'created';
    } catch (err) {
      if (err instanceof DestinationRefused && err.status === 405) return 'exists';
      throw err;
    }
  }

  /** Creates each folder that is missing, outermost first (concurrent creators are harmless). */
  async ensureFolders(folders: string[], signal: AbortSignal): Promise<void> {
    for (const folder of folders) await this.mkcol(folder, {}, signal);
  }

  /** PUT of a file range, streamed from disk with an exact Content-Length. */
  async putFile(p: string, slice: FileSlice, headers: Headers, signal: AbortSignal): Promise<void> {
    let stream: ReadStream | undefined;
    try {
      await this.call('PUT', p, signal, (s) => {
        stream = createReadStream(slice.path, { start: slice.offset, end: slice.offset + slice.bytes - 1 });
        // The package leaves Content-Length out for streams; without it the body would go chunked.
        return this.client.putFileContents(p, stream, {
          headers: { ...headers, 'Content-Length': String(slice.bytes) },
          signal: s,
        });
      });
    } finally {
      stream?.destroy();
    }
  }

  async putBytes(p: string, data: Buffer, headers: Headers, signal: AbortSignal): Promise<void> {
    await this.call('PUT', p, signal, (s) => this.client.putFileContents(p, data, { headers, signal: s }));
  }

  /** MOVE with the caller's `Destination`; returns Nextcloud's `OC-FileId` when it sends one. */
  async move(p: string, headers: Headers, signal: AbortSignal): Promise<{ fileId: string | undefined }> {
    const res = await this.call('MOVE', p, signal, (s) =>
      this.client.customRequest(p, { method: 'MOVE', headers, signal: s }),
    );
    await res.text();
    return { fileId: res.headers.get('oc-fileid') ?? undefined };
  }

  /** The numbered chunks in an upload folder with their sizes (PROPFIND, depth 1). */
  async listChunks(
    p: string,
    signal: AbortSignal,
  ): Promise<ReadonlyMap<number, number> | 'missing' | 'unsupported'> {
    let entries: FileStat[];
    try {
      entries = await this.call('PROPFIND', p, signal, (s) =>
        this.client.getDirectoryContents(p, { signal: s }),
      );
    } catch (err) {
      if (err instanceof DestinationRefused && err.status === 404) return 'missing';
      if (err instanceof DestinationRefused && [403, 405, 501].includes(err.status)) return 'unsupported';
      throw err;
    }
    const chunks = new Map<number, number>();
    for (const e of entries) {
      if (e.type === 'file' && /^\d+$/.test(e.basename)) chunks.set(Number(e.basename), e.size);
    }
    return chunks;
  }

  /** Size (and Nextcloud file id) of a file; undefined when it does not exist. */
  async stat(
    p: string,
    signal: AbortSignal,
    withFileId: boolean,
  ): Promise<{ size: number; fileId: string | undefined } | undefined> {
    try {
      const res = await this.call('PROPFIND', p, signal, (s) =>
        this.client.stat(p, { details: true, signal: s, ...(withFileId ? { data: PROPFIND_WITH_ID } : {}) }),
      );
      const stat = (res as ResponseDataDetailed<FileStat>).data;
      const id = stat.props?.fileid;
      return {
        size: stat.size,
        fileId: typeof id === 'number' || typeof id === 'string' ? String(id) : undefined,
      };
    } catch (err) {
      if (err instanceof DestinationRefused && err.status === 404) return undefined;
      throw err;
    }
  }

  /** DELETE; a missing resource is fine. */
  async remove(p: string, signal: AbortSignal): Promise<void> {
    try {
      await this.call('DELETE', p, signal, (s) => this.client.deleteFile(p, { signal: s }));
    } catch (err) {
      if (!(err instanceof DestinationRefused && err.status === 404)) throw err;
    }
  }

  private async call<T>(
    method: string,
    p: string,
    signal: AbortSignal,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const operation = `${method} ${this.url(p)}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await run(AbortSignal.any([signal, timeout]));
    } catch (err) {
      throw await normalise(operation, err, timeout);
    }
  }
}

interface WebdavError {
  status?: number;
  response?: { statusText?: string; text(): Promise<string> };
  name?: string;
  type?: string;
  code?: string;
  message?: string;
}

/** An HTTP error answer, or a failure to get one; anything else is a bug and stays as it is. */
async function normalise(operation: string, err: unknown, timeout: AbortSignal): Promise<unknown> {
  const e = (err ?? {}) as WebdavError;
  if (typeof e.status === 'number') {
    let detail = e.response?.statusText ?? '';
    try {
      const body = (await e.response?.text()) ?? '';
      detail = /<s:message>([^<]*)<\/s:message>/.exec(body)?.[1] ?? detail;
    } catch {
      // The body is only for the log line; the status says what happened.
    }
    return new DestinationRefused(e.status, operation, detail, { cause: err });
  }
  if (e.name === 'AbortError' || e.type === 'aborted') {
    return new DestinationUnreachable(operation, timeout.aborted ? 'timed out' : 'aborted', { cause: err });
  }
  if (e.name === 'FetchError' || typeof e.code === 'string') {
    return new DestinationUnreachable(operation, e.code ?? e.message ?? 'network error', { cause: err });
  }
  return err;
}
