import path from 'node:path';

/** The four services and the default ops port each gets when started together on one machine. */
export const SERVICES = [
  { name: 'controller', opsPort: 9101 },
  { name: 'capture', opsPort: 9102 },
  { name: 'encoder', opsPort: 9103 },
  { name: 'uploader', opsPort: 9104 },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];

/** Workspace root, from this file's place in tools/launcher/dist. */
export const WORKSPACE = path.resolve(import.meta.dirname, '../../..');

export const serviceEntry = (name: ServiceName) => path.join(WORKSPACE, 'services', name, 'dist', 'main.js');
