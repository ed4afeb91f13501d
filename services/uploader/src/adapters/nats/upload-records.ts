import { inject, injectable } from 'tsyringe';
import type { KV } from 'nats';
import { UploadRecord } from '../../core/upload-record.js';
import { UPLOADER } from '../../tokens.js';

/** Upload progress records in `kv.uploads`, one per recording id, written after every confirmed step. */
@injectable()
export class UploadRecords {
  constructor(@inject(UPLOADER.UploadsKv) private readonly kv: KV) {}

  /** The stored record; undefined when there is none or it cannot be read (then the upload starts over). */
  async get(recordingId: string): Promise<UploadRecord | undefined> {
    const entry = await this.kv.get(recordingId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    try {
      const parsed = UploadRecord.safeParse(entry.json());
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async put(record: UploadRecord): Promise<void> {
    await this.kv.put(record.recordingId, JSON.stringify(record));
  }
}
