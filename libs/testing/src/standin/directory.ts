/** The stand-in's users and rooms: what a small Nextcloud with Talk would hold. */
export interface StandInUser {
  id: string;
  displayName: string;
  /** Signaling ticket the user's client presents in its hello (backend auth). */
  ticket: string;
  /** App password for WebDAV/OCS basic auth. */
  appPassword: string;
}

export interface StandInRoom {
  token: string;
  name: string;
  /** User ids invited to the room. */
  participants: string[];
  /** Talk's recording status of the room (0 none … 5 failed). */
  recordingStatus: number;
}

export class Directory {
  readonly users = new Map<string, StandInUser>();
  readonly rooms = new Map<string, StandInRoom>();

  addUser(id: string, displayName = id): StandInUser {
    const user = { id, displayName, ticket: `ticket-${id}`, appPassword: `app-password-${id}` };
    this.users.set(id, user);
    return user;
  }

  addRoom(token: string, participants: string[], name = `Room ${token}`): StandInRoom {
    for (const p of participants) if (!this.users.has(p)) this.addUser(p);
    const room = { token, name, participants, recordingStatus: 0 };
    this.rooms.set(token, room);
    return room;
  }

  /** Room properties as Talk sends them to the HPB (`getPropertiesForSignaling`). */
  properties(room: StandInRoom): Record<string, unknown> {
    return {
      name: room.name,
      type: 2,
      'lobby-state': 0,
      'lobby-timer': null,
      'read-only': 0,
      listable: 0,
      'active-since': null,
      'sip-enabled': 0,
    };
  }
}
