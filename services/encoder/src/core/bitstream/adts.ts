/** An ADTS stream (AAC with a 7- or 9-byte header per frame) split into its frames. */
export function splitAdts(data: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let i = 0;
  while (i < data.length) {
    if (i + 7 > data.length || data[i] !== 0xff || (data[i + 1]! & 0xf0) !== 0xf0) {
      throw new Error(`ADTS sync lost at byte ${i}`);
    }
    const length = ((data[i + 3]! & 0x03) << 11) | (data[i + 4]! << 3) | (data[i + 5]! >> 5);
    if (length < 7 || i + length > data.length) throw new Error(`ADTS frame at byte ${i} is truncated`);
    frames.push(data.subarray(i, i + length));
    i += length;
  }
  return frames;
}
