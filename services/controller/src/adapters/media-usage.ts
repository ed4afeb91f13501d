import type { MediaStore } from '@talkrec/platform';

export interface MediaUsage {
  objects: number;
  bytes: number;
}

/** What each recording holds in the media object store (names start with `<recordingId>/`). */
export async function mediaUsageByRecording(media: MediaStore): Promise<Map<string, MediaUsage>> {
  const usage = new Map<string, MediaUsage>();
  for (const o of await media.store.list()) {
    if (o.deleted) continue;
    const id = o.name.slice(0, o.name.indexOf('/'));
    if (!id) continue;
    const u = usage.get(id) ?? { objects: 0, bytes: 0 };
    u.objects++;
    u.bytes += o.size;
    usage.set(id, u);
  }
  return usage;
}
