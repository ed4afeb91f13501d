import type { SessionInfo, SignalingConnection } from '../connection.js';
import { Emitter } from '../emitter.js';
import { SignalingError } from '../errors.js';
import { silentLog, type Log } from '../log.js';
import { isRoomType, type SendMessage } from '../mcu/messages.js';
import type { Publisher } from '../mcu/publisher.js';
import { Publishing } from '../mcu/publishing.js';
import type { PeerOptions } from '../mcu/peer.js';
import { Subscriptions, type MediaKey, type RemoteTrack } from '../mcu/subscriptions.js';
import type { MessageData, RelayedMessage, RoomType, ServerEvent, ServerMessage } from '../wire.js';
import { Roster, type Participant } from './roster.js';

export interface RoomClientOptions extends Omit<PeerOptions, 'log'> {
  connection: SignalingConnection;
  roomId: string;
  /** A user's Nextcloud session id (it maps the backend's in-call requests); none for internal clients. */
  nextcloudSessionId?: string;
  /** An internal client (recorder): it says it is in the call without media before joining (≥ 1.1). */
  internal?: boolean;
  /** Subscribe to every publisher; `video: false` receives audio only. Off for pure publishers. */
  subscribe?: { video: boolean };
  /** Our display name, sent as `nick` with offers. */
  nick?: string;
  log?: Log;
}

type RoomEvents = {
  /** The room was joined (again after a new session); `properties` as the server sent them. */
  joined: { properties: Record<string, unknown> };
  /** Who is in the call (ourselves and internal sessions excluded), on every change. */
  participants: Participant[];
  track: RemoteTrack;
  removed: MediaKey;
  /** A message on a subscribed data channel (Talk's status messages). */
  data: MediaKey & { label: string; text: string };
  /** Something could not be recovered within the retry bounds (the call goes on). */
  trouble: { code: string; message: string };
  /** We are out of the room for good (room deleted, disinvited, connection lost). */
  left: { reason: string };
};

/**
 * A client in one room: joins it, follows who is in the call, subscribes to every publisher (when
 * asked to), publishes our own streams, and rebuilds all of it when a reconnect yields a new session.
 */
export class RoomClient extends Emitter<RoomEvents> {
  readonly roster = new Roster();
  private readonly subscriptions: Subscriptions | undefined;
  private readonly publishing: Publishing;
  private readonly log: Log;
  private joined = false;
  private leaving = false;
  private readonly screenOffered = new Set<string>();

  constructor(private readonly options: RoomClientOptions) {
    super();
    this.log = options.log ?? silentLog;
    const conn = options.connection;
    const send: SendMessage = (recipient, data) =>
      conn.send('message', { recipient: { type: 'session', sessionid: recipient }, data });
    const peer: PeerOptions = {
      iceServers: options.iceServers,
      log: this.log,
      ...(options.peerFactory ? { peerFactory: options.peerFactory } : {}),
      ...(options.candidateFilter ? { candidateFilter: options.candidateFilter } : {}),
    };
    if (options.subscribe) {
      const subs = new Subscriptions({ ...peer, send, receiveVideo: options.subscribe.video });
      subs.on('track', (t) => this.emit('track', t));
      subs.on('removed', (r) => this.emit('removed', r));
      subs.on('data', (d) => this.onData(d));
      subs.on('gaveUp', (g) =>
        this.emit('trouble', {
          code: `subscribe_${g.code}`,
          message: `gave up subscribing ${g.roomType} of ${g.publisherId}`,
        }),
      );
      this.subscriptions = subs;
    }
    this.publishing = new Publishing({
      ...peer,
      send,
      selfId: () => conn.sessionId,
      ...(options.nick ? { nick: options.nick } : {}),
    });
    this.publishing.on('published', ({ roomType }) => {
      // A new screen publisher (first, or after a failure) needs a new push to everyone.
      if (roomType !== 'screen') return;
      this.screenOffered.clear();
      this.offerScreen();
    });
    this.publishing.on('gaveUp', (g) =>
      this.emit('trouble', { code: `publish_${g.code}`, message: `gave up publishing ${g.roomType}` }),
    );
    conn.on('message', (msg) => this.onMessage(msg));
    conn.on('session', (info) => void this.onSession(info));
    conn.on('closed', ({ reason }) => this.onClosed(reason));
  }

  get sessionId(): string {
    return this.options.connection.sessionId;
  }

  /** Joins the room on the connected session. */
  async join(): Promise<void> {
    const conn = this.options.connection;
    this.roster.setSelf(conn.sessionId);
    if (this.options.internal && conn.session?.welcome) {
      // In the call without media, before joining, so nobody tries to subscribe to us (≥ 1.1.0;
      // 0.4.1 has no welcome and would only log the message as unsupported).
      conn.send('internal', { type: 'incall', incall: { incall: 1 } });
    }
    let answer: ServerMessage;
    try {
      answer = await conn.request('room', {
        roomid: this.options.roomId,
        ...(this.options.nextcloudSessionId ? { sessionid: this.options.nextcloudSessionId } : {}),
      });
    } catch (err) {
      // 2.x refuses a second join of the same room; 0.4.1 ignores it silently.
      if (!(err instanceof SignalingError && err.code === 'already_joined')) throw err;
      answer = { type: 'room', room: { roomid: this.options.roomId } };
    }
    this.joined = true;
    this.emit('joined', { properties: answer.room?.properties ?? {} });
  }

  publish(roomType: RoomType, stream: MediaStream): Promise<void> {
    return this.publishing.publish(roomType, stream);
  }

  /** One of our published streams (its PeerConnection gives stats). */
  publisher(roomType: RoomType): Publisher | undefined {
    return this.publishing.publisher(roomType);
  }

  unpublish(roomType: RoomType): void {
    if (!this.publishing.has(roomType)) return;
    this.publishing.unpublish(roomType);
    if (roomType === 'screen' && this.options.connection.isOpen) {
      this.options.connection.send('message', {
        recipient: { type: 'room' },
        data: { type: 'unshareScreen', roomType: 'screen' },
      });
    }
  }

  /** Stops every stream and ends the session. */
  async leave(): Promise<void> {
    this.leaving = true;
    this.unpublish('screen');
    this.publishing.closeAll();
    this.subscriptions?.closeAll();
    await this.options.connection.close();
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'event':
        if (msg.event) this.onEvent(msg.event);
        return;
      case 'message':
        if (msg.message) this.onRelayed(msg.message);
        return;
      case 'error':
        this.onError(msg);
        return;
      case 'room':
        // The server took us out of the room (deleted, or joined elsewhere).
        if (msg.room?.roomid === '' && this.joined) this.end('room_left');
        return;
      default:
        return;
    }
  }

  private onError(msg: ServerMessage): void {
    const code = msg.error?.code ?? 'unknown';
    const id = msg.id;
    if (id && (this.subscriptions?.handleError(id, code) || this.publishing.handleError(id, code))) return;
    this.log.warn('signaling error', { id, code, message: msg.error?.message });
  }

  private onEvent(event: ServerEvent): void {
    let changed = false;
    if (event.target === 'room') {
      if (event.type === 'join' && event.join) changed = this.roster.join(event.join);
      if (event.type === 'leave' && event.leave) {
        for (const id of event.leave) {
          this.subscriptions?.remove(id);
          this.screenOffered.delete(id);
        }
        changed = this.roster.leave(event.leave);
      }
    } else if (event.target === 'participants' && event.type === 'update' && event.update) {
      const update = event.update;
      if (update.all === true && update.incall === 0) changed = this.roster.everybodyLeftCall();
      if (update.users) changed = this.roster.update(update.users) || changed;
    } else if (event.target === 'roomlist' && event.type === 'disinvite') {
      const roomid = (event.disinvite as { roomid?: string } | undefined)?.roomid;
      if (roomid === this.options.roomId) this.end('disinvited');
      return;
    }
    this.afterRosterEvent(changed);
  }

  private afterRosterEvent(changed: boolean): void {
    if (changed) this.emit('participants', this.roster.visible());
    if (this.subscriptions) {
      const publishers = new Map(this.roster.publishers().map((p) => [p.sessionId, p.inCall] as const));
      this.subscriptions.sync(publishers);
      const present = new Set(this.roster.visible().map((p) => p.sessionId));
      this.subscriptions.keepOnly(present);
    }
    if (this.publishing.publisher('screen')?.pc.connectionState === 'connected') this.offerScreen();
  }

  /** Pushes our screen to every session in the call that has not got it yet (internal ones too). */
  private offerScreen(): void {
    const inCall = this.roster.inCallSessions();
    // Someone who left the call gets the screen again when they come back.
    for (const id of this.screenOffered) if (!inCall.includes(id)) this.screenOffered.delete(id);
    const conn = this.options.connection;
    for (const target of inCall) {
      if (this.screenOffered.has(target)) continue;
      this.screenOffered.add(target);
      conn.send('message', {
        recipient: { type: 'session', sessionid: target },
        data: { type: 'sendoffer', roomType: 'screen' },
      });
    }
  }

  private onRelayed(message: RelayedMessage): void {
    const data = message.data;
    if (!data) return;
    const from = message.sender.sessionid ?? data.from ?? '';
    if (!from) return;
    if (data.type === 'unshareScreen') {
      this.subscriptions?.end(from, 'screen');
      return;
    }
    const self = this.options.connection.sessionId;
    switch (data.type) {
      case 'offer':
      case 'answer':
      case 'candidate':
        if (!isRoomType(data.roomType)) return;
        if (from === self) this.publishing.handleMessage(data.roomType, data);
        else this.subscriptions?.handleMessage(from, data.roomType, data);
        return;
      case 'nickChanged':
        this.rename(from, data);
        return;
      case 'mute':
      case 'unmute': {
        const name = typeof data.payload === 'object' ? data.payload.name : undefined;
        if (name === 'audio' || name === 'video') {
          if (this.roster.setMuted(from, name, data.type === 'mute')) {
            this.emit('participants', this.roster.visible());
          }
        }
        return;
      }
      default:
        return;
    }
  }

  /** Talk sends the nick as a string (guests) or as `{name, userid}` (users). */
  private rename(from: string, data: MessageData): void {
    const payload = data.payload;
    const name =
      typeof payload === 'string' ? payload : typeof payload?.name === 'string' ? payload.name : '';
    if (name && this.roster.rename(from, name)) this.emit('participants', this.roster.visible());
  }

  private onData(d: MediaKey & { label: string; text: string }): void {
    this.emit('data', d);
    try {
      const parsed = JSON.parse(d.text) as MessageData;
      if (parsed.type === 'nickChanged') this.rename(d.publisherId, parsed);
    } catch {
      // Not JSON: not a Talk status message.
    }
  }

  private async onSession(info: SessionInfo): Promise<void> {
    if (info.resumed || !this.joined || this.leaving) return;
    // A new session: the room, our publishers and our subscribers are gone on the server.
    this.log.info('rejoining the room with a new session', { sessionId: info.sessionId });
    this.joined = false;
    this.roster.clear();
    this.screenOffered.clear();
    this.subscriptions?.closeAll();
    this.emit('participants', []);
    try {
      await this.join();
      this.publishing.restartAll();
    } catch (err) {
      this.emit('trouble', { code: 'rejoin_failed', message: String(err) });
      this.end('rejoin_failed');
    }
  }

  private onClosed(reason: string): void {
    if (this.leaving) return;
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.leaving) return;
    this.leaving = true;
    this.publishing.closeAll();
    this.subscriptions?.closeAll();
    this.emit('left', { reason });
    void this.options.connection.close();
  }
}
