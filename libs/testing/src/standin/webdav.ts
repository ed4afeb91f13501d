import path from 'node:path';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { authenticateShare, authenticateUser } from './webdav-auth.js';
import { contentLength, receiveToFile } from './webdav-body.js';
import { ChunkedUploads } from './webdav-chunking.js';
import { StandInFiles, ocFileId, type FileNode } from './webdav-files.js';
import { isFilesDrop, ownerPath, shareSpace, userSpace, type DavSpace } from './webdav-space.js';
import { encodeHref, multistatus, sabreError, type DavEntry } from './webdav-xml.js';

export interface WebdavOptions {
  /** Enforce the S3 rules of chunking v2 (chunk names 1..10000, middle chunks ≥ 5 MiB), as on object storage. */
  strictChunking: boolean;
  /** A reverse proxy's body limit: larger PUT/POST bodies get an HTML 413 before Nextcloud sees them. */
  maxBodyBytes: number | undefined;
  /** Outgoing federated sharing on (Nextcloud's default): public DAV then needs no X-Requested-With. */
  federatedSharing: boolean;
}

/**
 * Nextcloud's WebDAV (`/remote.php/dav` for users with app passwords, `/public.php/dav` for link
 * shares): files (PUT, MKCOL, PROPFIND, GET, DELETE) and chunked uploads, stored on a temp dir with
 * quotas, answered with Nextcloud's status codes and Sabre error bodies. Tests inject a proxy body
 * limit (413), quotas (507), dropped connections mid-chunk, or HTTP faults through `http.faults`.
 */
export class WebdavStandIn {
  readonly files = new StandInFiles();
  readonly options: WebdavOptions = { strictChunking: true, maxBodyBytes: undefined, federatedSharing: true };
  readonly chunking = new ChunkedUploads(this);
  private readonly drops: Array<{ chunk: number; afterBytes: number }> = [];

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('*', '/remote.php/dav/*rest', (ctx) => this.userDav(ctx));
    nc.http.on('*', '/public.php/dav/*rest', (ctx) => this.publicDav(ctx));
  }

  /** Cuts the connection once `afterBytes` of chunk number `chunk` arrived (once). */
  dropConnectionDuringChunk(chunk: number, afterBytes: number): void {
    this.drops.push({ chunk, afterBytes });
  }

  takeDrop(chunk: number): number | undefined {
    const i = this.drops.findIndex((d) => d.chunk === chunk);
    if (i < 0) return undefined;
    return this.drops.splice(i, 1)[0]!.afterBytes;
  }

  violation(ctx: Ctx, problem: string): void {
    this.nc.violations.push({ at: Date.now(), area: 'webdav', path: ctx.path, problem });
  }

  /** QuotaPlugin's 507. */
  refusedForSpace(ctx: Ctx, folder: string, required: number, free: number): void {
    sabreError(
      ctx,
      507,
      'InsufficientStorage',
      `Insufficient space in ${folder}, ${required} required, ${free} available`,
    );
  }

  /** The headers Nextcloud adds after creating or changing a file. */
  fileHeaders(ctx: Ctx, node: FileNode): Record<string, string> {
    const mtime = ctx.req.headers['x-oc-mtime'];
    return {
      'oc-fileid': ocFileId(node.fileId),
      etag: `"${node.etag}"`,
      'oc-etag': `"${node.etag}"`,
      ...(mtime !== undefined && /^\d+$/.test(String(mtime)) ? { 'x-oc-mtime': 'accepted' } : {}),
    };
  }

  /**
   * The reverse proxy in front of Nextcloud: a body over its limit is refused with an HTML page
   * before Nextcloud sees it (not a Sabre error). Shared with Talk's `store`, which sits behind it too.
   */
  proxyRefuses(ctx: Ctx): boolean {
    const limit = this.options.maxBodyBytes;
    const length = contentLength(ctx);
    if (limit === undefined || length === undefined || length <= limit) return false;
    ctx.req.resume();
    ctx.send(
      413,
      '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n</body>\r\n</html>\r\n',
      { 'content-type': 'text/html', connection: 'close' },
    );
    return true;
  }

  private async userDav(ctx: Ctx): Promise<void> {
    if (this.proxyRefuses(ctx)) return;
    const [area, owner, ...rest] = ctx.params.rest!.split('/').filter(Boolean);
    const user = authenticateUser(ctx, this.nc.directory);
    if (!user) return;
    if (owner !== user.id || (area !== 'files' && area !== 'uploads')) {
      this.violation(ctx, `user ${user.id} addressed ${area ?? ''}/${owner ?? ''}`);
      sabreError(ctx, 403, 'Forbidden', 'Access denied');
      return;
    }
    await this.files.ensureUser(user.id);
    const space = userSpace(user.id);
    if (area === 'uploads') return this.chunking.handle(ctx, space, rest);
    return this.filesArea(ctx, space, `/${rest.join('/')}`);
  }

  private async publicDav(ctx: Ctx): Promise<void> {
    if (this.proxyRefuses(ctx)) return;
    if (
      ctx.method !== 'GET' &&
      !this.options.federatedSharing &&
      String(ctx.req.headers['x-requested-with'] ?? '') !== 'XMLHttpRequest'
    ) {
      // publicremote.php: without outgoing federation only ajax requests may write.
      sabreError(ctx, 401, 'NotAuthenticated', 'Public DAV needs X-Requested-With: XMLHttpRequest');
      return;
    }
    const [area, token, ...rest] = ctx.params.rest!.split('/').filter(Boolean);
    const share = this.nc.shares.linkShare(token ?? '');
    if (!share || (area !== 'files' && area !== 'uploads')) {
      sabreError(ctx, 404, 'NotFound', 'Share not found');
      return;
    }
    if (!authenticateShare(ctx, share)) return;
    await this.files.ensureUser(share.owner);
    const space = shareSpace(share);
    if (area === 'uploads') return this.chunking.handle(ctx, space, rest);
    if (isFilesDrop(space) && !['PUT', 'MKCOL', 'MOVE'].includes(ctx.method)) {
      sabreError(ctx, 405, 'MethodNotAllowed', 'Only PUT, MKCOL and MOVE are allowed on files drop');
      return;
    }
    return this.filesArea(ctx, space, `/${rest.join('/')}`);
  }

  private async filesArea(ctx: Ctx, space: DavSpace, rel: string): Promise<void> {
    const target = this.files.normalise(ownerPath(space, rel));
    if (target === undefined) {
      sabreError(ctx, 403, 'Forbidden', 'Path leaves the user folder');
      return;
    }
    switch (ctx.method) {
      case 'PUT':
        return this.put(ctx, space, target);
      case 'MKCOL':
        return this.mkcol(ctx, space, target);
      case 'PROPFIND':
        return this.propfind(ctx, space, rel, target);
      case 'GET':
        return this.get(ctx, space, target);
      case 'DELETE':
        return this.remove(ctx, space, target);
      default:
        sabreError(ctx, 501, 'NotImplemented', `stand-in: ${ctx.method} is not implemented`);
    }
  }

  private async put(ctx: Ctx, space: DavSpace, target: string): Promise<void> {
    let file = target;
    const parentPath = path.posix.dirname(file);
    let parent = await this.files.node(space.owner, parentPath);
    if (!parent && String(ctx.req.headers['x-nc-webdav-auto-mkcol'] ?? '') === '1') {
      await this.files.mkdirp(space.owner, parentPath);
      parent = await this.files.node(space.owner, parentPath);
    }
    if (!parent || parent.type !== 'directory') {
      sabreError(ctx, 409, 'Conflict', 'Files cannot be created in non-existent collections');
      return;
    }
    const existing = await this.files.node(space.owner, file);
    if (existing?.type === 'directory') {
      sabreError(ctx, 405, 'MethodNotAllowed', 'Cannot PUT to a collection');
      return;
    }
    if (existing && isFilesDrop(space)) {
      file = path.posix.join(
        parent.path,
        await this.files.freeName(space.owner, parent.path, path.posix.basename(file)),
      );
    }
    const length = contentLength(ctx);
    if (length === undefined) this.violation(ctx, 'PUT without Content-Length');
    const declared = [length, ctx.req.headers['x-expected-entity-length'], ctx.req.headers['oc-total-length']]
      .map((v) => Number(v ?? 0))
      .filter((n) => Number.isFinite(n));
    const required = Math.max(0, ...declared);
    const free = await this.files.freeBytes(space.owner);
    if (required > free) {
      this.refusedForSpace(ctx, parent.path, required, free);
      return;
    }
    const temp = await this.files.tempFile('put');
    const received = await receiveToFile(ctx, temp);
    if (!received.ok) return;
    const { node, created } = await this.files.commit(space.owner, file, temp);
    ctx.send(created ? 201 : 204, '', { 'content-length': '0', ...this.fileHeaders(ctx, node) });
  }

  private async mkcol(ctx: Ctx, space: DavSpace, target: string): Promise<void> {
    if (await this.files.node(space.owner, target)) {
      sabreError(ctx, 405, 'MethodNotAllowed', 'The resource you tried to create already exists');
      return;
    }
    const parent = await this.files.node(space.owner, path.posix.dirname(target));
    if (!parent || parent.type !== 'directory') {
      sabreError(ctx, 409, 'Conflict', 'Parent node does not exist');
      return;
    }
    const free = await this.files.freeBytes(space.owner);
    if (free < 4096) {
      this.refusedForSpace(ctx, parent.path, 4096, free);
      return;
    }
    await this.files.mkdir(space.owner, target);
    ctx.req.resume();
    ctx.send(201, '', { 'content-length': '0' });
  }

  private async propfind(ctx: Ctx, space: DavSpace, rel: string, target: string): Promise<void> {
    const node = await this.files.node(space.owner, target);
    if (!node) {
      sabreError(ctx, 404, 'NotFound', `File with name ${rel} could not be located`);
      return;
    }
    const nodes = [node];
    if (node.type === 'directory' && String(ctx.req.headers.depth ?? '1') !== '0') {
      nodes.push(...(await this.files.children(space.owner, node.path)));
    }
    const root = space.share?.path ?? '/';
    const hrefOf = (n: FileNode) => {
      const inSpace = path.posix.relative(root, n.path);
      return encodeHref(`${space.filesPrefix}/${inSpace}`) + (n.type === 'directory' && inSpace ? '/' : '');
    };
    const entries: DavEntry[] = nodes.map((n) => ({
      href: hrefOf(n),
      props: {
        'd:getlastmodified': new Date(n.mtime * 1000).toUTCString(),
        'd:getetag': `"${n.etag}"`,
        'd:resourcetype': n.type === 'directory' ? '<d:collection/>' : '',
        ...(n.type === 'file' ? { 'd:getcontentlength': String(n.size), 'd:getcontenttype': n.mime } : {}),
        'oc:fileid': String(n.fileId),
        'oc:id': ocFileId(n.fileId),
        'oc:size': String(n.size),
        'oc:permissions': n.type === 'directory' ? 'RGDNVCK' : 'RGDNVW',
      },
    }));
    ctx.req.resume();
    multistatus(ctx, entries);
  }

  private async get(ctx: Ctx, space: DavSpace, target: string): Promise<void> {
    const node = await this.files.node(space.owner, target);
    if (!node || node.type !== 'file') {
      sabreError(ctx, 404, 'NotFound', `File with name ${target} could not be located`);
      return;
    }
    ctx.send(200, await this.files.read(space.owner, target), {
      'content-type': node.mime,
      etag: `"${node.etag}"`,
    });
  }

  private async remove(ctx: Ctx, space: DavSpace, target: string): Promise<void> {
    if (!(await this.files.node(space.owner, target))) {
      sabreError(ctx, 404, 'NotFound', `File with name ${target} could not be located`);
      return;
    }
    await this.files.remove(space.owner, target);
    ctx.req.resume();
    ctx.send(204);
  }
}
