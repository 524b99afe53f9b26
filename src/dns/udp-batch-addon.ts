/**
 * The native half of batched UDP (native/udp-batch.c), built by `npm install`
 * through node-gyp into build/Release. Loading it may fail (another OS, no
 * compiler when installing); the caller decides whether that is fatal.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One bound socket; `packets` and `meta` are memory shared with the native side. */
export interface NativeUdpSocket {
  readonly port: number;
  /** `batch` slots of `slotBytes`: the datagrams of the current batch. */
  readonly packets: ArrayBuffer;
  /** `batch` records of `metaBytes`: int32 length, int32 port, int32 family, int32 unused, 16 address bytes. */
  readonly meta: ArrayBuffer;
  readonly slotBytes: number;
  readonly metaBytes: number;
  readonly batch: number;
  /** Int32 index in `meta` where the native side counts answers the kernel refused. */
  readonly sendErrorsCell: number;
}

export interface UdpBatchAddon {
  /**
   * Binds (IPv6 sockets are IPv6-only; with `reusePort`, SO_REUSEPORT so other threads can bind the
   * same address); throws an Error whose `code` is the errno name.
   */
  open(host: string, port: number, socketBufferBytes: number, reusePort: boolean): NativeUdpSocket;
  /** `onBatch(count)` must fill `responses[0..count)` with a Buffer to send back, or undefined. */
  start(socket: NativeUdpSocket, onBatch: (count: number) => void, responses: Array<Buffer | undefined>): void;
  close(socket: NativeUdpSocket): void;
}

const ADDON_FILE = join('build', 'Release', 'meridian_udp_batch.node');

/**
 * node-gyp writes the addon under the package root; this module sits at dist/src/dns/ when built
 * normally, elsewhere in other build layouts, so the nearest ancestor holding it wins.
 */
function findAddon(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${ADDON_FILE} not found above ${dirname(fileURLToPath(import.meta.url))}: run \`npm install\` (node-gyp builds it)`);
    dir = parent;
  }
}

let loaded: UdpBatchAddon | Error | undefined;

export function loadUdpBatchAddon(): UdpBatchAddon | Error {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    loaded = new Error(`recvmmsg/sendmmsg batching is Linux-only (this is ${process.platform})`);
    return loaded;
  }
  try {
    const path = findAddon();
    const addon = createRequire(import.meta.url)(path) as Partial<UdpBatchAddon>;
    if (typeof addon.open !== 'function' || typeof addon.start !== 'function' || typeof addon.close !== 'function') {
      throw new Error(`${path} is not Meridian's UDP addon`);
    }
    loaded = addon as UdpBatchAddon;
  } catch (err) {
    loaded = err instanceof Error ? err : new Error(String(err));
  }
  return loaded;
}
