import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Ctx } from './http.js';

/** Node's HTTP parser never ends a body early: a body that stops short is a connection that went away. */
export type Received =
  { ok: true; bytes: number } | { ok: false; bytes: number; reason: 'aborted' | 'dropped' };

/** The announced body size, undefined for chunked transfer encoding. */
export function contentLength(ctx: Ctx): number | undefined {
  const raw = ctx.req.headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Streams a request body to `file` (never buffered: uploads can be GiB), counting bytes. With
 * `dropAfterBytes` the connection is cut once that many bytes arrived (a fault: the network fails
 * mid-chunk). A body that does not complete leaves no file behind.
 */
export async function receiveToFile(ctx: Ctx, file: string, dropAfterBytes?: number): Promise<Received> {
  let bytes = 0;
  let dropped = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (dropAfterBytes !== undefined && bytes >= dropAfterBytes) {
        dropped = true;
        ctx.req.socket.destroy();
        cb(new Error('connection dropped by fault injection'));
        return;
      }
      cb(null, chunk);
    },
  });
  try {
    await pipeline(ctx.req, counter, createWriteStream(file));
  } catch {
    await rm(file, { force: true });
    return { ok: false, bytes, reason: dropped ? 'dropped' : 'aborted' };
  }
  return { ok: true, bytes };
}
