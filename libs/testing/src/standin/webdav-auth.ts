import { timingSafeEqual } from 'node:crypto';
import type { Directory, StandInUser } from './directory.js';
import type { Ctx } from './http.js';
import type { LinkShare } from './shares.js';
import { sabreError } from './webdav-xml.js';

export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Nextcloud's DAV challenge after a failed login (Sabre AbstractBasic, realm = the instance name). */
function davUnauthorized(ctx: Ctx, message: string, scheme = 'Basic'): void {
  sabreError(ctx, 401, 'NotAuthenticated', message, {
    'www-authenticate': `${scheme} realm="Nextcloud", charset="UTF-8"`,
  });
}

/** Basic auth with login name + app password; answers 401 itself and returns undefined on failure. */
export function authenticateUser(ctx: Ctx, directory: Directory): StandInUser | undefined {
  const creds = parseBasic(ctx.req.headers.authorization);
  if (!creds) {
    davUnauthorized(
      ctx,
      "No 'Authorization: Basic' header found. Either the client didn't send one, or the server is misconfigured",
    );
    return undefined;
  }
  const user = directory.users.get(creds.user);
  if (!user || !sameSecret(user.appPassword, creds.password)) {
    davUnauthorized(ctx, 'Username or password was incorrect');
    return undefined;
  }
  return user;
}

/**
 * Public-share DAV auth (PublicAuth): the token comes from the path, the Basic user name is ignored and
 * only the share password counts. With an `X-Requested-With: XMLHttpRequest` header a failure is a
 * `DummyBasic` challenge, as Nextcloud answers ajax calls.
 */
export function authenticateShare(ctx: Ctx, share: LinkShare): boolean {
  if (share.password === undefined) return true;
  const creds = parseBasic(ctx.req.headers.authorization);
  if (creds && sameSecret(share.password, creds.password)) return true;
  const ajax = String(ctx.req.headers['x-requested-with'] ?? '') === 'XMLHttpRequest';
  davUnauthorized(
    ctx,
    ajax ? 'Cannot authenticate over ajax calls' : 'Username or password was incorrect',
    ajax ? 'DummyBasic' : 'Basic',
  );
  return false;
}
