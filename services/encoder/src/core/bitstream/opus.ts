import { FLAG_BOS, FLAG_EOS, lacingCount, oggPage } from './ogg.js';

/** Samples per Opus packet as the encoder is run (20 ms at 48 kHz). */
export const OPUS_FRAME_SAMPLES = 960;

export interface OpusHead {
  channels: number;
  preSkip: number;
  bytes: Uint8Array;
}

export function parseOpusHead(packet: Uint8Array): OpusHead {
  const magic = new TextDecoder().decode(packet.subarray(0, 8));
  if (magic !== 'OpusHead' || packet.length < 19) throw new Error('not an OpusHead packet');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return { channels: packet[9]!, preSkip: view.getUint16(10, true), bytes: packet };
}

export function opusTags(vendor: string): Uint8Array {
  const v = new TextEncoder().encode(vendor);
  const out = new Uint8Array(8 + 4 + v.length + 4);
  out.set(new TextEncoder().encode('OpusTags'));
  new DataView(out.buffer).setUint32(8, v.length, true);
  out.set(v, 12);
  return out;
}

const PACKETS_PER_PAGE = 50;

/**
 * Writes one Ogg Opus stream incrementally: header pages, then data pages of up to one second.
 * Granule positions count decoded samples from the stream's start, pre-skip included (RFC 7845 §4),
 * and the last page's granule trims the end to the exact length.
 */
export class OggOpusWriter {
  private sequence = 0;
  private decoded = 0n;
  private pending: Uint8Array[] = [];
  private pendingLacing = 0;

  constructor(private readonly serial: number) {}

  begin(head: OpusHead, vendor: string): Uint8Array[] {
    return [
      oggPage([head.bytes], 0n, this.serial, this.sequence++, FLAG_BOS),
      oggPage([opusTags(vendor)], 0n, this.serial, this.sequence++, 0),
    ];
  }

  /** Adds a packet; returns a full page when one is ready. */
  push(packet: Uint8Array): Uint8Array | undefined {
    let page: Uint8Array | undefined;
    if (this.pending.length >= PACKETS_PER_PAGE || this.pendingLacing + lacingCount(packet) > 255) {
      page = this.page(undefined, 0);
    }
    this.pending.push(packet);
    this.pendingLacing += lacingCount(packet);
    return page;
  }

  /**
   * The last page. `endGranule` cuts the padding of the last packet, but never more than that packet
   * (RFC 7845 §4: a stream may only end inside its last packet).
   */
  end(endGranule: bigint): Uint8Array {
    return this.page(endGranule, FLAG_EOS);
  }

  private page(endGranule: bigint | undefined, flags: number): Uint8Array {
    const all = this.decoded + BigInt(this.pending.length * OPUS_FRAME_SAMPLES);
    const floor = all - BigInt(OPUS_FRAME_SAMPLES);
    let granule = all;
    if (endGranule !== undefined && endGranule < all) granule = endGranule > floor ? endGranule : floor + 1n;
    const page = oggPage(this.pending, granule, this.serial, this.sequence++, flags);
    this.decoded = all;
    this.pending = [];
    this.pendingLacing = 0;
    return page;
  }
}
