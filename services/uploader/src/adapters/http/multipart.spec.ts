import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import busboy from 'busboy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from './multipart.js';

describe('multipartBody', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'talkrec-multipart-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams fields and the file with exactly the announced length, as a form parser reads it', async () => {
    const file = path.join(dir, 'rec.mp4');
    const content = Buffer.from('0123456789'.repeat(1000));
    await writeFile(file, content);
    const form = multipartBody(
      { owner: 'alice' },
      { field: 'file', name: 'Recording "1".mp4', type: 'video/mp4', path: file, size: content.length },
    );
    const chunks: Buffer[] = [];
    for await (const c of form.body.open()) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    expect(raw.length).toBe(form.body.length);

    const parsed = await new Promise<{ fields: Record<string, string>; name: string; data: Buffer }>(
      (resolve, reject) => {
        const fields: Record<string, string> = {};
        let name = '';
        const data: Buffer[] = [];
        const parser = busboy({ headers: { 'content-type': form.contentType } });
        parser.on('field', (k: string, v: string) => (fields[k] = v));
        parser.on('file', (_k: string, stream: NodeJS.ReadableStream, info: { filename: string }) => {
          name = info.filename;
          stream.on('data', (d: Buffer) => data.push(d));
        });
        parser.on('close', () => resolve({ fields, name, data: Buffer.concat(data) }));
        parser.on('error', reject);
        parser.end(raw);
      },
    );
    expect(parsed.fields).toEqual({ owner: 'alice' });
    expect(parsed.name).toBe('Recording %221%22.mp4');
    expect(parsed.data.equals(content)).toBe(true);
  });
});
