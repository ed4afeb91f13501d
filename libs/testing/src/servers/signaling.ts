import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGED_SIGNALING_BINARY, signalingBinary } from './signaling-sdp-fix.js';
import { ManagedProcess, freePort, removeDir, startedOrLog, tempDir, waitForPort } from './process.js';

export interface SignalingOptions {
  natsUrl: string;
  /** Nextcloud (stand-in) base URL. */
  nextcloudUrl: string;
  backendSecret: string;
  internalSecret: string;
  /** Backend id in `[backend] backends`; appears as `|<id>` in NATS subjects. */
  backendId?: string;
  /** Janus websocket URL; without it the server runs without an MCU. */
  janusUrl?: string;
  /** Run the binary as packaged, even Debian's build that refuses camera offers (see signaling-sdp-fix). */
  packagedBinary?: boolean;
}

/** Debian's nextcloud-spreed-signaling (0.4.1) on a free loopback port, configured for one backend. */
export class SignalingServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly options: SignalingOptions,
    private readonly proc: ManagedProcess,
  ) {}

  static async start(options: SignalingOptions): Promise<SignalingServer> {
    const dir = await tempDir('signaling');
    const port = await freePort();
    const backendId = options.backendId ?? 'nextcloud';
    const conf = `[http]
listen = 127.0.0.1:${port}

[app]
debug = false

[sessions]
hashkey = 0123456789abcdef0123456789abcdef
blockkey = abcdef0123456789abcdef0123456789

[clients]
internalsecret = ${options.internalSecret}

[backend]
backends = ${backendId}
allowall = false
timeout = 10
connectionsperhost = 8

[${backendId}]
url = ${options.nextcloudUrl}
secret = ${options.backendSecret}

[nats]
url = ${options.natsUrl}

[mcu]
${options.janusUrl ? `type = janus\nurl = ${options.janusUrl}` : ''}

[turn]

[stats]
allowed_ips = 127.0.0.1
`;
    const file = path.join(dir, 'server.conf');
    await writeFile(file, conf);
    const proc = new ManagedProcess({
      name: 'signaling',
      command: options.packagedBinary ? PACKAGED_SIGNALING_BINARY : await signalingBinary(),
      args: ['--config', file],
      logFile: path.join(dir, 'signaling.log'),
    });
    // It blocks, without listening, until NATS (and Janus) answer.
    await startedOrLog(proc, waitForPort(port, 30_000));
    return new SignalingServer(dir, port, options, proc);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.port}/spreed`;
  }

  log(): string {
    return this.proc.log();
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    await removeDir(this.dir);
  }
}
