import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ManagedProcess, freePort, removeDir, startedOrLog, tempDir, waitForPort } from './process.js';

const run = promisify(execFile);
const MODULES = '/usr/lib/apache2/modules';

export interface ApacheDavOptions {
  user?: string;
  password?: string;
  /** LimitRequestBody in bytes (0 = unlimited), to test 413. */
  maxBodyBytes?: number;
}

/**
 * A real WebDAV server: Apache httpd with mod_dav/mod_dav_fs and basic auth on a free loopback port,
 * serving a temp folder. The generic WebDAV target (no Nextcloud chunking) is tested against it.
 */
export class ApacheDav {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly root: string,
    readonly user: string,
    readonly password: string,
    private readonly proc: ManagedProcess,
  ) {}

  static async start(options: ApacheDavOptions = {}): Promise<ApacheDav> {
    const dir = await tempDir('apache');
    // mkdtemp makes 0700 folders; Apache's workers (www-data) must be able to reach the DAV root.
    await chmod(dir, 0o755);
    const root = path.join(dir, 'dav');
    const locks = path.join(dir, 'locks');
    await mkdir(root);
    await mkdir(locks);
    const user = options.user ?? 'davuser';
    const password = options.password ?? 'dav-password';
    const port = await freePort();
    const htpasswd = path.join(dir, 'htpasswd');
    await run('htpasswd', ['-b', '-c', '-B', htpasswd, user, password]);
    // Apache drops root to www-data for its workers; they must own what they write.
    const { stdout } = await run('id', ['-u', 'www-data']);
    const uid = Number(stdout.trim());
    await chown(root, uid, uid);
    await chown(locks, uid, uid);
    const conf = path.join(dir, 'httpd.conf');
    await writeFile(
      conf,
      `ServerRoot "${dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/error.log"
LogLevel warn
User www-data
Group www-data
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authn_file_module ${MODULES}/mod_authn_file.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule auth_basic_module ${MODULES}/mod_auth_basic.so
LoadModule dav_module ${MODULES}/mod_dav.so
LoadModule dav_fs_module ${MODULES}/mod_dav_fs.so
LoadModule mime_module ${MODULES}/mod_mime.so
TypesConfig /etc/mime.types
LogFormat "%h %u \\"%r\\" %>s %b" short
CustomLog "${dir}/access.log" short
DavLockDB "${locks}/davlock"
Timeout 300
LimitRequestBody ${options.maxBodyBytes ?? 0}
DocumentRoot "${root}"
<Directory "${root}">
  Dav On
  AuthType Basic
  AuthName "talkrec test dav"
  AuthUserFile "${htpasswd}"
  Require valid-user
</Directory>
`,
    );
    const proc = new ManagedProcess({
      name: 'apache2',
      command: '/usr/sbin/apache2',
      args: ['-f', conf, '-DFOREGROUND'],
      env: { ...process.env, APACHE_RUN_DIR: dir, APACHE_LOCK_DIR: dir, APACHE_LOG_DIR: dir },
      logFile: path.join(dir, 'apache-stdout.log'),
    });
    await startedOrLog(proc, waitForPort(port));
    return new ApacheDav(dir, port, root, user, password, proc);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    await removeDir(this.dir);
  }
}
