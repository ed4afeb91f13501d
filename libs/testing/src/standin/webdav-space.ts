import path from 'node:path';
import type { LinkShare } from './shares.js';
import { PERMISSION } from './shares.js';

/**
 * Where a DAV request acts: a user's own files (`/remote.php/dav`) or a public link share
 * (`/public.php/dav`). Both store into the owner's files; chunk folders live in the owner's uploads.
 */
export interface DavSpace {
  kind: 'user' | 'share';
  /** Whose files and uploads these are (the share owner for public shares). */
  owner: string;
  /** URL path of the files root, without a trailing slash. */
  filesPrefix: string;
  /** URL path of the uploads root, without a trailing slash. */
  uploadsPrefix: string;
  share: LinkShare | undefined;
}

export const userSpace = (user: string): DavSpace => ({
  kind: 'user',
  owner: user,
  filesPrefix: `/remote.php/dav/files/${user}`,
  uploadsPrefix: `/remote.php/dav/uploads/${user}`,
  share: undefined,
});

export const shareSpace = (share: LinkShare): DavSpace => ({
  kind: 'share',
  owner: share.owner,
  filesPrefix: `/public.php/dav/files/${share.token}`,
  uploadsPrefix: `/public.php/dav/uploads/${share.token}`,
  share,
});

/** A create-only link share: Nextcloud's files drop, which never overwrites and never lists. */
export const isFilesDrop = (space: DavSpace) =>
  space.share !== undefined && (space.share.permissions & PERMISSION.read) === 0;

/** A path below the space's files root → the path in the owner's files. */
export const ownerPath = (space: DavSpace, rel: string) =>
  space.share ? path.posix.join(space.share.path, rel) : rel;

/**
 * The path of a `Destination` header (absolute URL or absolute path; Sabre only looks at the path),
 * relative to the space's files root; undefined when it points elsewhere ("out of base uri").
 */
export function destinationInSpace(space: DavSpace, header: string | undefined): string | undefined {
  if (!header) return undefined;
  let pathname: string;
  try {
    pathname = new URL(header, 'http://destination.invalid').pathname;
  } catch {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const prefix = `${space.filesPrefix}/`;
  if (!decoded.startsWith(prefix)) return undefined;
  return `/${decoded.slice(prefix.length)}`;
}
