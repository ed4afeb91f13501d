import path from 'node:path';

/** Where a Nextcloud account's DAV lives, derived from its files URL `…/remote.php/dav/files/<user>`. */
export interface NextcloudAccountUrls {
  /** Nextcloud base URL, no trailing slash. */
  base: string;
  /** The user id in DAV paths (`files/<id>`, `uploads/<id>`). */
  userId: string;
}

export function nextcloudAccount(filesUrl: string): NextcloudAccountUrls | undefined {
  const m = /^(.*?)\/remote\.php\/dav\/files\/([^/]+)\/?$/.exec(filesUrl);
  if (!m) return undefined;
  return { base: m[1]!, userId: decodeURIComponent(m[2]!) };
}

/**
 * A target path as `/a/b/file.ext`; undefined when it is empty, names a folder, or climbs out with
 * `..` (paths come from folder templates filled with room names).
 */
export function cleanPath(p: string): string | undefined {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..') || p.endsWith('/')) return undefined;
  return `/${parts.join('/')}`;
}

/** The folders above a clean path, outermost first: `/a/b/c.mp4` → `['/a', '/a/b']`. */
export function parentFolders(p: string): string[] {
  const parts = p.split('/').filter(Boolean).slice(0, -1);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** A path with each segment URL-encoded (spaces as %20, slashes kept). */
export const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** Talk's name for the speaking-times sidecar of a recording: `.<name without extension> speaking times.json`. */
export function speakingTimesName(fileName: string): string {
  const ext = path.posix.extname(fileName);
  return `.${fileName.slice(0, fileName.length - ext.length)} speaking times.json`;
}

/** The absolute file for a `local` target inside the recordings folder; undefined if it would leave it. */
export function localTarget(root: string, p: string): string | undefined {
  const clean = cleanPath(p);
  if (!clean) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${clean}`);
  return file.startsWith(base + path.sep) ? file : undefined;
}

/** `name (2).ext`, `name (3).ext`, … for the n-th alternative of a file name. */
export function alternativeName(fileName: string, n: number): string {
  const ext = path.extname(fileName);
  return `${fileName.slice(0, fileName.length - ext.length)} (${n})${ext}`;
}

/** The n-th alternative of a clean path, in the same folder. */
export function alternativePath(p: string, n: number): string {
  return path.posix.join(path.posix.dirname(p), alternativeName(path.posix.basename(p), n));
}

/** Nextcloud's numeric file id from an `OC-FileId` (`00004711oc…`) or an `oc:fileid` value. */
export function numericFileId(id: string | undefined): number | undefined {
  const m = /^0*(\d+)/.exec(id ?? '');
  return m ? Number(m[1]) : undefined;
}
