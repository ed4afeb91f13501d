import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What Nextcloud's file cache knows about a node. */
export interface FileNode {
  type: 'file' | 'directory';
  /** Path in the owner's files, starting with `/`. */
  path: string;
  size: number;
  fileId: number;
  etag: string;
  mtime: number;
  mime: string;
}

/** Nextcloud's mimetype mapping for the names the tests use (the file cache goes by extension). */
const MIME_BY_EXTENSION: Record<string, string> = {
  ogg: 'audio/ogg',
  ogv: 'video/ogg',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  opus: 'audio/ogg',
  json: 'application/json',
  txt: 'text/plain',
  md: 'text/markdown',
};

export function mimeForName(name: string): string {
  const ext = path.extname(name).slice(1).toLowerCase();
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/** Nextcloud's instance id, the suffix of `OC-FileId` / `oc:id`. */
export const INSTANCE_ID = 'ocstandin01';

/** `OC-FileId`: the numeric id zero-padded to 8 digits, then the instance id. */
export const ocFileId = (fileId: number) => `${String(fileId).padStart(8, '0')}${INSTANCE_ID}`;

/**
 * The users' files on a temp dir, as Nextcloud's storage + file cache would hold them: ids, etags,
 * mimetypes by extension, and per-user quotas (the source of 507 answers).
 */
export class StandInFiles {
  readonly root = mkdtempSync(path.join(tmpdir(), 'talkrec-standin-files-'));
  private readonly ids = new Map<string, { fileId: number; etag: string }>();
  private readonly quotas = new Map<string, number>();
  private nextFileId = 4711;

  /** Folder of a user's files on disk. */
  filesDir(user: string): string {
    return path.join(this.root, 'users', user, 'files');
  }

  /** Folder of a user's chunked-upload folders on disk (outside their files, as in Nextcloud). */
  uploadsDir(user: string): string {
    return path.join(this.root, 'users', user, 'uploads');
  }

  /** Scratch space for bodies being received. */
  async tempFile(prefix: string): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${prefix}-${Math.random().toString(36).slice(2)}`);
  }

  /** Normalises a path in the user's files to `/a/b`; undefined when it tries to leave the root. */
  normalise(filePath: string): string | undefined {
    const parts: string[] = [];
    for (const seg of filePath.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') return undefined;
      parts.push(seg);
    }
    return `/${parts.join('/')}`;
  }

  diskPath(user: string, filePath: string): string {
    return path.join(this.filesDir(user), filePath);
  }

  /** Caps the user's files at `bytes` (undefined: unlimited). */
  setQuota(user: string, bytes: number | undefined): void {
    if (bytes === undefined) this.quotas.delete(user);
    else this.quotas.set(user, bytes);
  }

  /** Bytes the user may still store; Infinity without a quota. */
  async freeBytes(user: string): Promise<number> {
    const quota = this.quotas.get(user);
    if (quota === undefined) return Infinity;
    return Math.max(0, quota - (await this.usedBytes(this.filesDir(user))));
  }

  private async usedBytes(dir: string): Promise<number> {
    let total = 0;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return 0;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      total += e.isDirectory() ? await this.usedBytes(p) : (await stat(p)).size;
    }
    return total;
  }

  async ensureUser(user: string): Promise<void> {
    await mkdir(this.filesDir(user), { recursive: true });
    await mkdir(this.uploadsDir(user), { recursive: true });
  }

  async node(user: string, filePath: string): Promise<FileNode | undefined> {
    const norm = this.normalise(filePath);
    if (norm === undefined) return undefined;
    let s;
    try {
      s = await stat(this.diskPath(user, norm));
    } catch {
      return undefined;
    }
    const { fileId, etag } = this.identity(user, norm, s.mtimeMs, s.size);
    return {
      type: s.isDirectory() ? 'directory' : 'file',
      path: norm,
      size: s.isDirectory() ? 0 : s.size,
      fileId,
      etag,
      mtime: Math.floor(s.mtimeMs / 1000),
      mime: s.isDirectory() ? 'httpd/unix-directory' : mimeForName(norm),
    };
  }

  async children(user: string, folder: string): Promise<FileNode[]> {
    const names = await readdir(this.diskPath(user, folder));
    const nodes: FileNode[] = [];
    for (const name of names.sort()) {
      const n = await this.node(user, path.posix.join(folder, name));
      if (n) nodes.push(n);
    }
    return nodes;
  }

  async mkdir(user: string, folder: string): Promise<void> {
    await mkdir(this.diskPath(user, folder));
  }

  /** Creates every missing folder of a path (Nextcloud's own folder creation, e.g. Talk's recording folder). */
  async mkdirp(user: string, folder: string): Promise<void> {
    await mkdir(this.diskPath(user, folder), { recursive: true });
  }

  /** Moves a fully received temp file into place atomically; a new etag (and a new id if it is new). */
  async commit(
    user: string,
    filePath: string,
    tempFile: string,
  ): Promise<{ node: FileNode; created: boolean }> {
    const existed = (await this.node(user, filePath)) !== undefined;
    await rename(tempFile, this.diskPath(user, filePath));
    const key = `${user}:${filePath}`;
    const known = this.ids.get(key);
    this.ids.set(key, { fileId: known?.fileId ?? this.nextFileId++, etag: this.newEtag() });
    return { node: (await this.node(user, filePath))!, created: !existed };
  }

  async remove(user: string, filePath: string): Promise<void> {
    await rm(this.diskPath(user, filePath), { recursive: true, force: true });
    this.ids.delete(`${user}:${filePath}`);
  }

  /** The file's content (tests read back what was uploaded). */
  async read(user: string, filePath: string): Promise<Buffer> {
    return readFile(this.diskPath(user, filePath));
  }

  /** Lowercase hex SHA-256 of a stored file, streamed (files can be GiB). */
  async sha256(user: string, filePath: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.diskPath(user, filePath))) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** A name that does not exist yet in the folder: `name (2).ext`, `name (3).ext`, … (Nextcloud's rule). */
  async freeName(user: string, folder: string, name: string): Promise<string> {
    if (!(await this.node(user, path.posix.join(folder, name)))) return name;
    const ext = path.posix.extname(name);
    const base = name.slice(0, name.length - ext.length);
    for (let i = 2; ; i++) {
      const candidate = `${base} (${i})${ext}`;
      if (!(await this.node(user, path.posix.join(folder, candidate)))) return candidate;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  private identity(user: string, filePath: string, mtimeMs: number, size: number) {
    const key = `${user}:${filePath}`;
    let known = this.ids.get(key);
    if (!known) {
      known = { fileId: this.nextFileId++, etag: this.etagOf(key, mtimeMs, size) };
      this.ids.set(key, known);
    }
    return known;
  }

  private etagOf(key: string, mtimeMs: number, size: number): string {
    return createHash('md5').update(`${key}:${mtimeMs}:${size}`).digest('hex').slice(0, 13);
  }

  private newEtag(): string {
    return createHash('md5').update(`${Date.now()}:${Math.random()}`).digest('hex').slice(0, 13);
  }
}
