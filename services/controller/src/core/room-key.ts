/** A room as talkrec names it: the configured backend id and Talk's room token. */
export interface RoomKey {
  backendId: string;
  roomToken: string;
}

/** `<backendId>.<roomToken>`: the key of a room in the activeRooms, calls and rules buckets. */
export const roomKeyString = (key: RoomKey): string => `${key.backendId}.${key.roomToken}`;

export function parseRoomKeyString(value: string): RoomKey | undefined {
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  return { backendId: value.slice(0, dot), roomToken: value.slice(dot + 1) };
}
