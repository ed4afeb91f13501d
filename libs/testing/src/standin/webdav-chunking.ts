import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Ctx } from './http.js';
import type { WebdavStandIn } from './webdav.js';
import { contentLength, receiveToFile } from './webdav-body.js';
import { destinationInSpace, isFilesDrop, ownerPath, type DavSpace } from './webdav-space.js';
import { encodeHref, multistatus, sabreError, type DavEntry } from './webdav-xml.js';

/** S3 multipart limits that an object-store-backed Nextcloud enforces on chunking v2. */
export const MIN_MIDDLE_CHUNK_BYTES = 5 * 1024 * 1024;
export const MAX_CHUNK_NUMBER = 10_000;

interface UploadFolder {
  id: string;
  dir: string;
  space: DavSpace;
  /** The `Destination` given at MKCOL (v2 keeps it with the upload). */
  destination: string | undefined;
}

interface StoredChunk {
  name: string;
  size: number;
  mtime: number;
}

const numericName = (name: string) =>
  /^\d+$/.test(name) && Number(name) >= 1 && Number(name) <= MAX_CHUNK_NUMBER;

/**
 * Nextcloud's chunked upload ("chunking v2", nextcloud-protocols.md §1): MKCOL an upload folder, PUT
 * numbered chunks, PROPFIND to see what arrived, MOVE `.file` to assemble, DELETE to abort. With
 * `strictChunking` it enforces the S3 rules a v2 server on object storage enforces; every deviation
 * from what a correct client sends is a violation.
 */
export class ChunkedUploads {
  private readonly folders = new Map<string, UploadFolder>();

  constructor(private readonly dav: WebdavStandIn) {}

  async handle(ctx: Ctx, space: DavSpace, segments: string[]): Promise<void> {
    const [id, name, ...deeper] = segments;
    if (!id) {
      sabreError(ctx, 405, 'MethodNotAllowed', 'Listing members of this collection is disabled');
      return;
    }
    if (deeper.length > 0) {
      sabreError(ctx, 404, 'NotFound', `File with name ${segments.join('/')} could not be located`);
      return;
    }
    if (name === undefined) {
      switch (ctx.method) {
        case 'MKCOL':
          return this.mkcol(ctx, space, id);
        case 'PROPFIND':
          return this.list(ctx, space, id);
        case 'DELETE':
          return this.remove(ctx, space, id);
        default:
          sabreError(ctx, 405, 'MethodNotAllowed', `${ctx.method} is not allowed on an upload folder`);
          return;
      }
    }
    switch (ctx.method) {
      case 'PUT':
        return this.putChunk(ctx, space, id, name);
      case 'MOVE':
        return this.assemble(ctx, space, id, name);
      case 'DELETE':
        return this.remove(ctx, space, id, name);
      case 'GET':
      case 'HEAD':
        sabreError(ctx, 405, 'MethodNotAllowed', 'Reading intermediate uploads is not allowed');
        return;
      default:
        sabreError(ctx, 405, 'MethodNotAllowed', `${ctx.method} is not allowed on a chunk`);
    }
  }

  private key(space: DavSpace, id: string): string {
    return `${space.owner}/${id}`;
  }

  private async chunks(folder: UploadFolder): Promise<StoredChunk[]> {
    const names = await readdir(folder.dir);
    const out: StoredChunk[] = [];
    for (const name of names) {
      const s = await stat(path.join(folder.dir, name));
      out.push({ name, size: s.size, mtime: s.mtimeMs });
    }
    // Assembly order: numeric for v2 names, natural order otherwise (strnatcmp in v1).
    return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  private checkDestination(ctx: Ctx, folder: UploadFolder | undefined): string | undefined {
    const raw = ctx.req.headers.destination;
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (!header) {
      this.dav.violation(ctx, `${ctx.method} in a chunked upload without Destination`);
      return undefined;
    }
    if (folder?.destination !== undefined && folder.destination !== header) {
      this.dav.violation(ctx, `Destination ${header} differs from the upload's ${folder.destination}`);
    }
    return header;
  }

  private totalLength(ctx: Ctx): number | undefined {
    const raw = ctx.req.headers['oc-total-length'];
    if (raw === undefined || !/^\d+$/.test(String(raw))) {
      this.dav.violation(ctx, `${ctx.method} in a chunked upload without a numeric OC-Total-Length`);
      return undefined;
    }
    return Number(raw);
  }

  private async mkcol(ctx: Ctx, space: DavSpace, id: string): Promise<void> {
    if (this.folders.has(this.key(space, id))) {
      sabreError(ctx, 405, 'MethodNotAllowed', 'The resource you tried to create already exists');
      return;
    }
    const destination = this.checkDestination(ctx, undefined);
    if (destination !== undefined && destinationInSpace(space, destination) === undefined) {
      this.outOfBase(ctx, space, destination);
      return;
    }
    const free = await this.dav.files.freeBytes(space.owner);
    if (free < 4096) {
      sabreError(
        ctx,
        507,
        'InsufficientStorage',
        `Insufficient space in /, 4096 required, ${free} available`,
      );
      return;
    }
    const dir = path.join(this.dav.files.uploadsDir(space.owner), id);
    await mkdir(dir, { recursive: true });
    this.folders.set(this.key(space, id), { id, dir, space, destination });
    ctx.send(201, '', { 'content-length': '0' });
  }

  private outOfBase(ctx: Ctx, space: DavSpace, destination: string): void {
    this.dav.violation(ctx, `Destination ${destination} is outside ${space.filesPrefix}/`);
    sabreError(
      ctx,
      403,
      'Forbidden',
      `Requested uri (${destination}) is out of base uri (${space.filesPrefix}/)`,
    );
  }

  private async putChunk(ctx: Ctx, space: DavSpace, id: string, name: string): Promise<void> {
    const folder = this.folders.get(this.key(space, id));
    if (!folder) {
      sabreError(ctx, 409, 'Conflict', 'Files cannot be created in non-existent collections');
      return;
    }
    if (!numericName(name)) {
      this.dav.violation(ctx, `chunk name ${name} is not a number between 1 and ${MAX_CHUNK_NUMBER}`);
      if (this.dav.options.strictChunking) {
        sabreError(ctx, 400, 'BadRequest', 'Invalid chunk name, must be numeric between 1 and 10000');
        return;
      }
    }
    const destination = this.checkDestination(ctx, folder);
    const total = this.totalLength(ctx);
    const length = contentLength(ctx);
    if (length === undefined) this.dav.violation(ctx, 'chunk PUT without Content-Length');
    // QuotaPlugin: the larger of the chunk and the whole file must fit where the file is going.
    const dest = destination === undefined ? undefined : destinationInSpace(space, destination);
    const required = Math.max(length ?? 0, total ?? 0);
    const free = await this.dav.files.freeBytes(space.owner);
    if (dest !== undefined && required > free) {
      this.dav.refusedForSpace(ctx, path.posix.dirname(ownerPath(space, dest)), required, free);
      return;
    }
    const temp = await this.dav.files.tempFile('chunk');
    const received = await receiveToFile(ctx, temp, this.dav.takeDrop(Number(name)));
    if (!received.ok) return;
    await rename(temp, path.join(folder.dir, name));
    ctx.send(201, '', { 'content-length': '0' });
  }

  private async list(ctx: Ctx, space: DavSpace, id: string): Promise<void> {
    const folder = this.folders.get(this.key(space, id));
    if (!folder) {
      sabreError(ctx, 404, 'NotFound', `File with name ${id} could not be located`);
      return;
    }
    const base = `${space.uploadsPrefix}/${id}`;
    const entries: DavEntry[] = [
      { href: `${encodeHref(base)}/`, props: { 'd:resourcetype': '<d:collection/>' } },
    ];
    if (String(ctx.req.headers.depth ?? '1') !== '0') {
      const chunks = await this.chunks(folder);
      entries.push({
        href: `${encodeHref(base)}/.file`,
        props: {
          'd:getcontentlength': String(chunks.reduce((s, c) => s + c.size, 0)),
          'd:resourcetype': '',
        },
      });
      for (const c of chunks) {
        entries.push({
          href: `${encodeHref(base)}/${encodeURIComponent(c.name)}`,
          props: {
            'd:getcontentlength': String(c.size),
            'd:getetag': `"${Math.floor(c.mtime).toString(16)}${c.size.toString(16)}"`,
            'd:getlastmodified': new Date(c.mtime).toUTCString(),
            'd:resourcetype': '',
          },
        });
      }
    }
    ctx.req.resume();
    multistatus(ctx, entries);
  }

  private async remove(ctx: Ctx, space: DavSpace, id: string, name?: string): Promise<void> {
    const folder = this.folders.get(this.key(space, id));
    if (!folder) {
      sabreError(ctx, 404, 'NotFound', `File with name ${id} could not be located`);
      return;
    }
    if (name === undefined) {
      await rm(folder.dir, { recursive: true, force: true });
      this.folders.delete(this.key(space, id));
    } else {
      const file = path.join(folder.dir, name);
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (!exists) {
        sabreError(ctx, 404, 'NotFound', `File with name ${name} could not be located`);
        return;
      }
      await rm(file);
    }
    ctx.req.resume();
    ctx.send(204);
  }

  private async assemble(ctx: Ctx, space: DavSpace, id: string, name: string): Promise<void> {
    const folder = this.folders.get(this.key(space, id));
    if (!folder || name !== '.file') {
      sabreError(ctx, 404, 'NotFound', `File with name ${name} could not be located`);
      return;
    }
    const header = this.checkDestination(ctx, folder);
    if (header === undefined) {
      sabreError(ctx, 400, 'BadRequest', 'The destination header was not supplied');
      return;
    }
    const rel = destinationInSpace(space, header);
    if (rel === undefined) {
      this.outOfBase(ctx, space, header);
      return;
    }
    const chunks = await this.chunks(folder);
    const sum = chunks.reduce((s, c) => s + c.size, 0);
    const total = this.totalLength(ctx);
    if (total !== undefined && total !== sum) {
      sabreError(ctx, 400, 'BadRequest', `Chunks on server do not sum up to ${total} but to ${sum} bytes`);
      return;
    }
    if (this.dav.options.strictChunking) {
      const small = chunks.slice(0, -1).find((c) => c.size < MIN_MIDDLE_CHUNK_BYTES);
      if (small) {
        // S3's CompleteMultipartUpload refuses parts under 5 MiB (EntityTooSmall); Nextcloud fails the MOVE.
        this.dav.violation(ctx, `chunk ${small.name} has ${small.size} bytes; only the last may be < 5 MiB`);
        sabreError(ctx, 500, 'Sabre\\DAV\\Exception', 'Error while assembling the chunks: EntityTooSmall');
        return;
      }
    }
    const files = this.dav.files;
    let target = ownerPath(space, rel);
    const parent = await files.node(space.owner, path.posix.dirname(target));
    if (!parent || parent.type !== 'directory') {
      sabreError(ctx, 409, 'Conflict', 'Files cannot be created in non-existent collections');
      return;
    }
    const existing = await files.node(space.owner, target);
    if (existing?.type === 'directory') {
      sabreError(ctx, 400, 'BadRequest', `The given destination ${rel} is a directory.`);
      return;
    }
    if (existing && isFilesDrop(space)) {
      // Files drop never overwrites: the upload lands beside the existing file.
      target = path.posix.join(
        parent.path,
        await files.freeName(space.owner, parent.path, path.posix.basename(target)),
      );
    }
    const free = await files.freeBytes(space.owner);
    if (sum > free) {
      this.dav.refusedForSpace(ctx, parent.path, sum, free);
      return;
    }
    const temp = await files.tempFile('assembly');
    await pipeline(
      Readable.from(
        (async function* () {
          for (const c of chunks) yield* createReadStream(path.join(folder.dir, c.name));
        })(),
      ),
      createWriteStream(temp),
    );
    const { node, created } = await files.commit(space.owner, target, temp);
    await rm(folder.dir, { recursive: true, force: true });
    this.folders.delete(this.key(space, id));
    ctx.req.resume();
    ctx.send(created ? 201 : 204, '', {
      'content-type': 'application/xml; charset=utf-8',
      'content-length': '0',
      ...this.dav.fileHeaders(ctx, node),
    });
  }
}
