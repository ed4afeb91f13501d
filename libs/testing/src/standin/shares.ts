import { randomBytes } from 'node:crypto';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { ocsReply, passesCsrf } from './shares-ocs.js';
import { parseBasic } from './webdav-auth.js';

/** Nextcloud's permission bits. */
export const PERMISSION = { read: 1, update: 2, create: 4, delete: 8, share: 16 } as const;

/** A public link share (shareType 3), e.g. the one Talk's `request-upload` creates. */
export interface LinkShare {
  id: number;
  token: string;
  owner: string;
  /** Shared folder in the owner's files. */
  path: string;
  permissions: number;
  password: string | undefined;
  /** ms since epoch; the share is gone afterwards. */
  expiresAt: number | undefined;
  label: string;
}

/** A share of a file into a Talk conversation (shareType 10). */
export interface RoomShare {
  id: number;
  owner: string;
  path: string;
  fileId: number;
  roomToken: string;
  permissions: number;
  talkMetaData: string | undefined;
}

const SHARES_PATH = '/ocs/v2.php/apps/files_sharing/api/v1/shares';
const TOKEN_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * Nextcloud's sharing: the link-share registry the public DAV endpoints authenticate against, and the
 * OCS share API (`POST …/files_sharing/api/v1/shares`), of which talkrec uses shareType 10 (share a
 * file into a conversation).
 */
export class SharesStandIn {
  readonly linkShares = new Map<string, LinkShare>();
  readonly roomShares: RoomShare[] = [];
  /** The clock shares expire by (tests move it). */
  now: () => number = Date.now;
  private nextId = 100;

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('POST', SHARES_PATH, (ctx) => this.create(ctx));
  }

  createLinkShare(input: Omit<LinkShare, 'id' | 'token'>): LinkShare {
    const bytes = randomBytes(15);
    const token = Array.from(bytes, (b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('');
    const share = { ...input, id: this.nextId++, token };
    this.linkShares.set(token, share);
    return share;
  }

  /** The share behind a token, unless it expired or was deleted. */
  linkShare(token: string): LinkShare | undefined {
    const share = this.linkShares.get(token);
    if (share?.expiresAt !== undefined && share.expiresAt <= this.now()) return undefined;
    return share;
  }

  deleteLinkShare(token: string): void {
    this.linkShares.delete(token);
  }

  private violation(ctx: Ctx, problem: string): void {
    this.nc.violations.push({ at: Date.now(), area: 'shares', path: ctx.path, problem });
  }

  private async params(ctx: Ctx): Promise<URLSearchParams | Record<string, unknown> | undefined> {
    const body = (await ctx.body(64 * 1024)) ?? Buffer.alloc(0);
    const type = String(ctx.req.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      try {
        return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    }
    const form = new URLSearchParams(body.toString('utf8'));
    for (const [k, v] of ctx.query) if (!form.has(k)) form.set(k, v);
    return form;
  }

  private async create(ctx: Ctx): Promise<void> {
    const creds = parseBasic(ctx.req.headers.authorization);
    const user = creds && this.nc.directory.users.get(creds.user);
    if (!user || user.appPassword !== creds.password) {
      ctx.req.resume();
      ocsReply(ctx, 997, [], 'Current user is not logged in');
      return;
    }
    if (!passesCsrf(ctx, this.nc.violations, 'shares')) return;
    const raw = await this.params(ctx);
    if (!raw) {
      ocsReply(ctx, 400, [], 'Invalid JSON');
      return;
    }
    const get = (k: string) => {
      const v = raw instanceof URLSearchParams ? raw.get(k) : raw[k];
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    };
    const path = get('path');
    if (!path) {
      ocsReply(ctx, 404, [], 'Please specify a file or folder path');
      return;
    }
    const shareType = Number(get('shareType'));
    if (shareType !== 10) {
      ocsReply(ctx, 501, [], `stand-in: share type ${shareType} is not implemented`);
      return;
    }
    const files = this.nc.webdav.files;
    const normalised = files.normalise(path);
    const node = normalised === undefined ? undefined : await files.node(user.id, normalised);
    if (!node) {
      ocsReply(ctx, 404, [], 'Wrong path, file/folder does not exist');
      return;
    }
    const roomToken = get('shareWith') ?? '';
    const room = this.nc.directory.rooms.get(roomToken);
    if (!room || !room.participants.includes(user.id)) {
      ocsReply(ctx, 404, [], 'Conversation not found');
      return;
    }
    if (this.roomShares.some((s) => s.roomToken === roomToken && s.fileId === node.fileId)) {
      ocsReply(ctx, 403, [], 'Path is already shared with this conversation');
      return;
    }
    const talkMetaData = get('talkMetaData');
    if (talkMetaData !== undefined) {
      try {
        JSON.parse(talkMetaData);
      } catch {
        this.violation(ctx, 'talkMetaData is not a JSON string');
      }
    }
    // A single file never keeps create/delete; read is always there.
    const requested = get('permissions');
    const permissions =
      ((requested === undefined ? 31 : Number(requested)) & ~(PERMISSION.create | PERMISSION.delete)) |
      PERMISSION.read;
    const share: RoomShare = {
      id: this.nextId++,
      owner: user.id,
      path: node.path,
      fileId: node.fileId,
      roomToken,
      permissions: node.type === 'file' ? permissions : Number(requested ?? 31),
      talkMetaData,
    };
    this.roomShares.push(share);
    ocsReply(ctx, 200, {
      id: String(share.id),
      share_type: 10,
      uid_owner: user.id,
      displayname_owner: user.displayName,
      permissions: share.permissions,
      stime: Math.floor(Date.now() / 1000),
      expiration: null,
      token: null,
      path: node.path,
      item_type: node.type === 'file' ? 'file' : 'folder',
      mimetype: node.mime,
      file_source: node.fileId,
      file_target: `/${node.path.split('/').pop() ?? ''}`,
      share_with: roomToken,
      share_with_displayname: room.name,
      share_with_link: `${this.nc.url}/index.php/call/${roomToken}`,
      mail_send: 0,
      hide_download: 0,
      attributes: null,
    });
  }
}
