import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { DestinationUnreachable } from '../../core/errors.js';

/** A body streamed from somewhere (a file) with a known length, so no chunked encoding is needed. */
export interface StreamedBody {
  length: number;
  open(): Readable;
}

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer | StreamedBody;
  signal: AbortSignal;
  timeoutMs: number;
  /** Names the call in errors and logs, e.g. `talk store`. */
  operation: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Answers are small OCS envelopes; anything bigger is cut (only logs would show it). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * One HTTP request with node's own client (OCS endpoints: Talk's recording API, the share API). Any
 * status is an answer; no answer (refused, reset, timeout) is DestinationUnreachable. An answer that
 * arrives before the body is sent (a proxy's early 413) is still an answer.
 */
export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(call.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const length =
      call.body === undefined ? 0 : Buffer.isBuffer(call.body) ? call.body.length : call.body.length;
    const signal = AbortSignal.any([call.signal, AbortSignal.timeout(call.timeoutMs)]);
    let settled = false;
    let source: Readable | undefined;
    let answered: { status: number; headers: IncomingHttpHeaders; chunks: Buffer[] } | undefined;
    const finish = () => {
      source?.destroy();
      if (settled || !answered) return;
      settled = true;
      resolve({ status: answered.status, headers: answered.headers, body: Buffer.concat(answered.chunks) });
    };
    const failWith = (detail: string, cause?: unknown) => {
      // An early answer (e.g. 413 before the body was sent) counts even if the connection then breaks.
      if (answered) return finish();
      source?.destroy();
      if (settled) return;
      settled = true;
      reject(
        new DestinationUnreachable(
          `${call.operation} (${call.method} ${url.origin}${url.pathname})`,
          detail,
          {
            cause,
          },
        ),
      );
    };
    const req = send(
      url,
      { method: call.method, headers: { ...call.headers, 'content-length': String(length) }, signal },
      (res) => {
        const current = { status: res.statusCode ?? 0, headers: res.headers, chunks: [] as Buffer[] };
        answered = current;
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_ANSWER_BYTES) current.chunks.push(c);
        });
        res.on('end', finish);
        res.on('error', (err) => failWith(err.message, err));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const detail = signal.aborted
        ? call.signal.aborted
          ? 'aborted'
          : 'timed out'
        : (err.code ?? err.message);
      failWith(detail, err);
    });
    if (call.body === undefined) req.end();
    else if (Buffer.isBuffer(call.body)) req.end(call.body);
    else {
      source = call.body.open();
      source.on('error', (err) => {
        req.destroy(err);
      });
      source.pipe(req);
    }
  });
}

/** The answer body as JSON, or undefined when it is not JSON. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
