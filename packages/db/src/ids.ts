import { createHash, randomBytes } from 'node:crypto';

/**
 * A UUID version 7: time-ordered, so ids sort by creation and serve as stable cursors, and
 * unguessable in their random part.
 */
export function newId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the shape of an id this platform issues (so a malformed id never reaches SQL). */
export function isId(id: string): boolean {
  return uuidPattern.test(id);
}

/**
 * A fixed id derived from a name, for demo data that several services share by convention
 * (`deputy:430181104:1`, `unit:430181:transport`, ...) without reading each other's tables.
 */
export function demoId(name: string): string {
  const hex = createHash('sha256').update(`renda-demo:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
