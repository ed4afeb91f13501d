import { inject, injectable } from 'tsyringe';
import type { JetStreamManager } from 'nats';
import { SegmentCaptured, SpeakingTimes, decode, mediaObjects, streams, subjects } from '@talkrec/contracts';
import { TOKENS, type MediaStore, type Publisher, type StoredObject } from '@talkrec/platform';
import {
  decodeSegmentMeta,
  digestToHex,
  encodeSegmentMeta,
  type SegmentMeta,
} from '../../core/segment-meta.js';

export const SEGMENT_CONTAINER = 'mkv';
const OBJECT_INDEX = /^(\d+)\.mkv$/;

/** A captured segment found in the media store, with what its description says about it. */
export interface StoredSegment {
  index: number;
  object: string;
  bytes: number;
  sha256: string;
  meta: SegmentMeta;
}

/**
 * Captured segments and the speaking-times sidecar in the media store, and their announcements.
 * The store is the truth about what a recording has: an instance that continues a recording reads it.
 */
@injectable()
export class SegmentStore {
  constructor(
    @inject(TOKENS.Media) private readonly media: MediaStore,
    @inject(TOKENS.JetStreamManager) private readonly jsm: JetStreamManager,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
  ) {}

  /** Every segment of the recording that capture stored, ascending by index. */
  async stored(recordingId: string): Promise<StoredSegment[]> {
    const prefix = mediaObjects.capturedPrefix(recordingId);
    const infos = await this.media.store.list();
    const found: StoredSegment[] = [];
    for (const info of infos) {
      if (info.deleted || !info.name.startsWith(prefix)) continue;
      const m = OBJECT_INDEX.exec(info.name.slice(prefix.length));
      const index = m ? Number(m[1]) : undefined;
      const meta = decodeSegmentMeta(info.description);
      const sha256 = digestToHex(info.digest);
      if (index === undefined || !meta || !sha256) continue;
      found.push({ index, object: info.name, bytes: info.size, sha256, meta });
    }
    return found.sort((a, b) => a.index - b.index);
  }

  async put(recordingId: string, index: number, file: string, meta: SegmentMeta): Promise<StoredObject> {
    return this.media.putFile(
      mediaObjects.captured(recordingId, index, SEGMENT_CONTAINER),
      file,
      encodeSegmentMeta(meta),
    );
  }

  /** Publishes `segment.captured`; a repeat within the de-duplication window is stored once. */
  async announce(
    recordingId: string,
    segment: Omit<StoredSegment, 'meta'> & { meta: SegmentMeta },
  ): Promise<void> {
    const { meta } = segment;
    await this.publisher.event(
      SegmentCaptured,
      {
        v: 1,
        recordingId,
        instanceId: meta.instanceId,
        index: segment.index,
        object: segment.object,
        container: SEGMENT_CONTAINER,
        startMs: meta.startMs,
        durationMs: meta.durationMs,
        bytes: segment.bytes,
        sha256: segment.sha256,
        hasVideo: meta.hasVideo,
        hasAudio: meta.hasAudio,
        gapBeforeMs: meta.gapBeforeMs,
      },
      `segment-${recordingId}-${segment.index}`,
    );
  }

  /**
   * Announces stored segments whose announcement never made it onto the events stream (the instance
   * died between storing and publishing); without this the encoder would never see them.
   */
  async announceUnannounced(recordingId: string, stored: readonly StoredSegment[]): Promise<number> {
    const last = await this.lastAnnouncedIndex(recordingId);
    const missing = stored.filter((s) => s.index > last);
    for (const s of missing) await this.announce(recordingId, s);
    return missing.length;
  }

  async loadSpeakingTimes(recordingId: string): Promise<SpeakingTimes | undefined> {
    const bytes = await this.media.getBytes(mediaObjects.speakingTimes(recordingId));
    if (!bytes) return undefined;
    try {
      const parsed = SpeakingTimes.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async saveSpeakingTimes(recordingId: string, sidecar: SpeakingTimes): Promise<string> {
    const name = mediaObjects.speakingTimes(recordingId);
    await this.media.putBytes(name, new TextEncoder().encode(JSON.stringify(sidecar)));
    return name;
  }

  async hasSpeakingTimes(recordingId: string): Promise<boolean> {
    return this.media.exists(mediaObjects.speakingTimes(recordingId));
  }

  private async lastAnnouncedIndex(recordingId: string): Promise<number> {
    try {
      const msg = await this.jsm.streams.getMessage(streams.events.name, {
        last_by_subj: subjects.event(SegmentCaptured, recordingId),
      });
      const decoded = decode(SegmentCaptured, msg.data);
      return decoded.ok ? decoded.value.index : -1;
    } catch (err) {
      if (/no message found/i.test((err as Error).message)) return -1;
      throw err;
    }
  }
}
