import type { Trace } from './types.js';

/** Collects requests, interning clients and URLs to small integers. */
export class TraceBuilder {
  #times: number[] = [];
  #clientIndex: number[] = [];
  #objectIndex: number[] = [];
  #sizes: number[] = [];
  readonly #clients = new Map<string, number>();
  readonly #urls = new Map<string, number>();

  add(time: number, client: string, url: string, size: number): void {
    this.#times.push(time);
    this.#clientIndex.push(intern(this.#clients, client));
    this.#objectIndex.push(intern(this.#urls, url));
    this.#sizes.push(size);
  }

  build(): Trace {
    return {
      length: this.#times.length,
      times: Float64Array.from(this.#times),
      clientIndex: Uint32Array.from(this.#clientIndex),
      clients: [...this.#clients.keys()],
      objectIndex: Uint32Array.from(this.#objectIndex),
      urls: [...this.#urls.keys()],
      sizes: Float64Array.from(this.#sizes),
    };
  }
}

function intern(map: Map<string, number>, value: string): number {
  let index = map.get(value);
  if (index === undefined) {
    index = map.size;
    map.set(value, index);
  }
  return index;
}

/** Bytes of the catalogue: each distinct object counted once, at the size of its last request. */
export function catalogueBytes(trace: Trace): number {
  const sizes = new Float64Array(trace.urls.length);
  for (let i = 0; i < trace.length; i++) sizes[trace.objectIndex[i]!] = trace.sizes[i]!;
  let total = 0;
  for (const size of sizes) total += size;
  return total;
}
