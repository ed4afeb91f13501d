import type { Ctx } from './http.js';

/** OCS v2 envelope, as Nextcloud answers JSON OCS requests. */
export function ocs(ctx: Ctx, status: number, data: unknown, message = ''): void {
  ctx.send(status, {
    ocs: { meta: { status: status < 300 ? 'ok' : 'failure', statuscode: status, message }, data },
  });
}

/** Nextcloud refuses OCS calls without `OCS-APIRequest: true` (CSRF protection). */
export function requireOcsHeader(ctx: Ctx): boolean {
  if (String(ctx.req.headers['ocs-apirequest'] ?? '').toLowerCase() !== 'true') {
    ocs(ctx, 400, null, 'OCS-APIRequest header missing');
    return false;
  }
  return true;
}
