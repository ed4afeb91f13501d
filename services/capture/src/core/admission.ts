const MIB = 1024 * 1024;

/** New recordings are taken only while the work folder's disk keeps at least `minFreeMb` free. */
export function hasDiskRoom(freeBytes: number, minFreeMb: number): boolean {
  return freeBytes >= minFreeMb * MIB;
}
