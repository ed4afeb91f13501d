import type { Ctx } from './http.js';

const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8' };

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Sabre's exception classes, named as Nextcloud's error bodies name them. */
export const SABRE = 'Sabre\\DAV\\Exception\\';

/** Sabre's error body, as Nextcloud renders every DAV exception (no version, no stack). */
export function sabreError(ctx: Ctx, status: number, exception: string, message: string, extra = {}): void {
  ctx.req.resume();
  ctx.send(
    status,
    `<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">\n` +
      `  <s:exception>${exception.includes('\\') ? exception : SABRE + exception}</s:exception>\n` +
      `  <s:message>${escapeXml(message)}</s:message>\n</d:error>\n`,
    { ...XML_HEADERS, ...extra },
  );
}

/** One `<d:response>`: the href (already URL-encoded) and its found properties as `prefix:name` → XML. */
export interface DavEntry {
  href: string;
  props: Record<string, string>;
}

export function multistatus(ctx: Ctx, entries: DavEntry[]): void {
  const body = entries
    .map(
      (e) =>
        ` <d:response><d:href>${escapeXml(e.href)}</d:href><d:propstat><d:prop>` +
        Object.entries(e.props)
          .map(([k, v]) => (v === '' ? `<${k}/>` : `<${k}>${v}</${k}>`))
          .join('') +
        `</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`,
    )
    .join('\n');
  ctx.send(
    207,
    `<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" ` +
      `xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">\n${body}\n</d:multistatus>\n`,
    XML_HEADERS,
  );
}

/** A path with each segment URL-encoded, as Sabre writes hrefs. */
export const encodeHref = (p: string) => p.split('/').map(encodeURIComponent).join('/');
