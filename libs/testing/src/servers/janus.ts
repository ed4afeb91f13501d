import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManagedProcess, freePort, removeDir, startedOrLog, tempDir, waitForPort } from './process.js';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';

/** Debian's Janus 1.1 with only videoroom + websockets, ICE restricted to loopback. */
export class JanusServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly proc: ManagedProcess,
  ) {}

  static async start(): Promise<JanusServer> {
    const dir = await tempDir('janus');
    const conf = path.join(dir, 'conf');
    await mkdir(conf);
    const port = await freePort();
    // A port range of its own per run, so parallel stacks do not fight over RTP ports.
    const rtpBase = 20_000 + Math.floor(Math.random() * 400) * 100;
    await writeFile(
      path.join(conf, 'janus.jcfg'),
      `general: {
	configs_folder = "${conf}"
	plugins_folder = "${LIB}/plugins"
	transports_folder = "${LIB}/transports"
	events_folder = "${LIB}/events"
	loggers_folder = "${LIB}/loggers"
	debug_level = 4
	admin_secret = "talkrec-test"
	protected_folders = [ "/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var" ]
}
certificates: {
}
media: {
	rtp_port_range = "${rtpBase}-${rtpBase + 99}"
}
nat: {
	full_trickle = true
	ice_lite = false
	ice_enforce_list = "127.0.0.1"
	ignore_mdns = true
}
plugins: {
	disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
	disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
loggers: {
	disable = "libjanus_jsonlog.so"
}
events: {
	broadcast = false
	disable = "libjanus_gelfevh.so,libjanus_mqttevh.so,libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so,libjanus_sampleevh.so,libjanus_wsevh.so"
}
`,
    );
    await writeFile(
      path.join(conf, 'janus.transport.websockets.jcfg'),
      `general: {\n\tjson = "indented"\n\tws = true\n\tws_port = ${port}\n\tws_ip = "127.0.0.1"\n\twss = false\n}\nadmin: {\n\tadmin_ws = false\n\tadmin_wss = false\n}\n`,
    );
    await writeFile(path.join(conf, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
    const proc = new ManagedProcess({
      name: 'janus',
      command: 'janus',
      args: ['-F', conf, '-C', path.join(conf, 'janus.jcfg'), '-o'],
      logFile: path.join(dir, 'janus.log'),
    });
    await startedOrLog(proc, waitForPort(port, 30_000));
    return new JanusServer(dir, port, proc);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  log(): string {
    return this.proc.log();
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    await removeDir(this.dir);
  }
}
