import type { Violation } from './checksum.js';
import type { Ctx } from './http.js';
import { escapeXml } from './webdav-xml.js';

/** OCS answers JSON only when asked (`Accept: application/json` or `format=json`), XML otherwise. */
export function wantsJson(ctx: Ctx): boolean {
  return (
    String(ctx.req.headers.accept ?? '').includes('application/json') || ctx.query.get('format') === 'json'
  );
}

const toXml = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<element>${toXml(v)}</element>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? escapeXml(String(value))
    : '';
};

/**
 * An OCS v2 answer: the HTTP status equals `meta.statuscode`, except Nextcloud's legacy codes
 * (997 → 401), as V2Response renders them.
 */
export function ocsReply(ctx: Ctx, statuscode: number, data: unknown, message = ''): void {
  const httpStatus = statuscode === 997 ? 401 : statuscode;
  const meta = {
    status: statuscode < 300 ? 'ok' : 'failure',
    statuscode,
    message: message || (statuscode < 300 ? 'OK' : ''),
  };
  if (wantsJson(ctx)) {
    ctx.send(httpStatus, { ocs: { meta, data } });
    return;
  }
  ctx.send(
    httpStatus,
    `<?xml version="1.0"?>\n<ocs><meta>${toXml(meta)}</meta><data>${toXml(data)}</data></ocs>\n`,
    { 'content-type': 'application/xml; charset=utf-8' },
  );
}

/**
 * Nextcloud skips the CSRF check of OCS controllers only with `OCS-APIRequest: true`; without it the
 * answer is 412 with a plain (non-OCS) JSON body.
 */
export function passesCsrf(ctx: Ctx, violations: Violation[], area: string): boolean {
  if (String(ctx.req.headers['ocs-apirequest'] ?? '').toLowerCase() === 'true') return true;
  violations.push({ at: Date.now(), area, path: ctx.path, problem: 'OCS-APIRequest header missing' });
  ctx.req.resume();
  ctx.send(412, { message: 'CSRF check failed' });
  return false;
}
