import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { StreamedBody } from './http-client.js';

export interface MultipartFile {
  field: string;
  /** The file name sent in the part's Content-Disposition. */
  name: string;
  type: string;
  path: string;
  size: number;
}

/** Quotes and line breaks cannot appear raw in a Content-Disposition parameter (browsers send %22). */
const quoted = (s: string) => s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * A `multipart/form-data` body with text fields and one file, streamed from disk with its exact
 * length computed up front (Talk's classic `store` takes recordings of hundreds of MB this way).
 */
export function multipartBody(
  fields: Record<string, string>,
  file: MultipartFile,
): { contentType: string; body: StreamedBody } {
  const boundary = `----talkrec${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(k)}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.name)}"\r\n` +
      `Content-Type: ${file.type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: {
      length: head.length + file.size + tail.length,
      open: () =>
        Readable.from(
          (async function* () {
            yield head;
            for await (const chunk of createReadStream(file.path)) yield chunk as Buffer;
            yield tail;
          })(),
        ),
    },
  };
}
