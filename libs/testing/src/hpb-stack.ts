import { NatsServer } from './servers/nats-server.js';
import { JanusServer } from './servers/janus.js';
import { SignalingServer } from './servers/signaling.js';
import { NextcloudStandIn, type StandInOptions } from './standin/index.js';
import { SignalingClient } from './clients/signaling-client.js';

export interface HpbStackOptions extends StandInOptions {
  /** Start Janus as the MCU (needed for media); off for call-event tests. */
  janus?: boolean;
  /** Run Debian's signaling binary as packaged (it refuses camera offers; see signaling-sdp-fix). */
  packagedSignaling?: boolean;
  /** Use an existing NATS server instead of starting one. */
  nats?: NatsServer;
  internalSecret?: string;
  backendId?: string;
}

/**
 * The HPB as a test sees it: nats-server + Nextcloud stand-in + (Janus) + the real signaling server,
 * started in the order they need (signaling blocks until NATS and Janus answer).
 */
export class HpbStack {
  private constructor(
    readonly nats: NatsServer,
    readonly ownsNats: boolean,
    readonly nextcloud: NextcloudStandIn,
    readonly janus: JanusServer | undefined,
    readonly signaling: SignalingServer,
    readonly internalSecret: string,
    readonly backendId: string,
  ) {}

  static async start(options: HpbStackOptions = {}): Promise<HpbStack> {
    const nats = options.nats ?? (await NatsServer.start());
    const nextcloud = await new NextcloudStandIn(options).start();
    const janus = options.janus ? await JanusServer.start() : undefined;
    const internalSecret = options.internalSecret ?? 'test-internal-secret';
    const backendId = options.backendId ?? 'nextcloud';
    const signaling = await SignalingServer.start({
      natsUrl: nats.url,
      nextcloudUrl: nextcloud.url,
      backendSecret: nextcloud.backendSecret,
      internalSecret,
      backendId,
      ...(janus ? { janusUrl: janus.url } : {}),
      ...(options.packagedSignaling ? { packagedBinary: true } : {}),
    });
    nextcloud.hpb.signalingUrl = signaling.url;
    return new HpbStack(nats, !options.nats, nextcloud, janus, signaling, internalSecret, backendId);
  }

  /** Connects a user's client, says hello with their ticket and joins the room with a Nextcloud session id. */
  async connectUser(userId: string, room: string): Promise<SignalingClient> {
    const user = this.nextcloud.directory.users.get(userId) ?? this.nextcloud.directory.addUser(userId);
    const client = await SignalingClient.connect(this.signaling.websocketUrl);
    const hello = await client.helloUser(this.nextcloud.url, user.id, user.ticket);
    if (hello.type !== 'hello') throw new Error(`hello for ${userId} failed: ${JSON.stringify(hello)}`);
    const joined = await client.joinRoom(room, `nc-sess-${userId}-${room}`);
    if (joined.type !== 'room') throw new Error(`join of ${userId} failed: ${JSON.stringify(joined)}`);
    return client;
  }

  async stop(): Promise<void> {
    await this.signaling.stop();
    await this.janus?.stop();
    await this.nextcloud.stop();
    if (this.ownsNats) await this.nats.stop();
  }
}
