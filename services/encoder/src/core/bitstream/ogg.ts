const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, initial 0) over a page with its CRC field zeroed. */
export function oggCrc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

const HEADER_BYTES = 27;
const FLAG_CONTINUED = 0x01;
export const FLAG_BOS = 0x02;
export const FLAG_EOS = 0x04;

/** Every packet of the first logical stream of an Ogg file, in order, with the page CRCs checked. */
export function readOggPackets(data: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] !== 0x4f || data[i + 1] !== 0x67 || data[i + 2] !== 0x67 || data[i + 3] !== 0x53) {
      throw new Error(`Ogg capture pattern missing at byte ${i}`);
    }
    const view = new DataView(data.buffer, data.byteOffset + i);
    const segments = data[i + 26]!;
    const table = data.subarray(i + HEADER_BYTES, i + HEADER_BYTES + segments);
    const bodyLength = table.reduce((a, b) => a + b, 0);
    const end = i + HEADER_BYTES + segments + bodyLength;
    if (end > data.length) throw new Error(`Ogg page at byte ${i} is truncated`);
    // A copy (Buffer#slice would share memory) with its CRC field zeroed, as the CRC is computed.
    const page = new Uint8Array(end - i);
    page.set(data.subarray(i, end));
    page.fill(0, 22, 26);
    if (oggCrc(page) !== view.getUint32(22, true)) throw new Error(`Ogg page at byte ${i} fails its CRC`);
    if (!(data[i + 5]! & FLAG_CONTINUED) && pending.length) pending = [];
    let at = i + HEADER_BYTES + segments;
    for (const lace of table) {
      pending.push(data.subarray(at, at + lace));
      at += lace;
      if (lace < 255) {
        packets.push(concatBytes(pending));
        pending = [];
      }
    }
    i = end;
  }
  return packets;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One Ogg page holding whole packets (each packet needs at most 255 lacing values). */
export function oggPage(
  packets: readonly Uint8Array[],
  granule: bigint,
  serial: number,
  sequence: number,
  flags: number,
): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('too many packets for one Ogg page');
  const body = concatBytes(packets);
  const page = new Uint8Array(HEADER_BYTES + lacing.length + body.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53, 0, flags]);
  view.setBigInt64(6, granule, true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, HEADER_BYTES);
  page.set(body, HEADER_BYTES + lacing.length);
  view.setUint32(22, oggCrc(page), true);
  return page;
}

/** Lacing values a packet takes in a page's segment table. */
export function lacingCount(packet: Uint8Array): number {
  return Math.floor(packet.length / 255) + 1;
}
