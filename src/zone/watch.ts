import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MeridianError } from '../errors/index.js';
import { ZoneErrorCode } from './errors.js';

export interface WatchDirectoryOptions {
  /** File name endings to watch, with the dot: [".zone"], [".yaml", ".yml"]. */
  extensions: readonly string[];
  /**
   * Called once per changed file after things settle: created, modified, replaced or
   * deleted (the callee checks whether it still exists). Receives the full path.
   */
  onChange(file: string): void | Promise<void>;
  /** Quiet time before a change is reported, merging an editor's bursts of events. Default 100 ms. */
  debounceMs?: number;
  /** Errors of the watcher or of onChange; by default they are ignored so a watcher never crashes the process. */
  onError?(err: unknown): void;
}

/** The symlink a Kubernetes ConfigMap volume replaces on every update. */
const KUBERNETES_SWAP = '..data';

export interface DirectoryWatcher {
  close(): void;
}

/**
 * Watch a folder (not each file): editors that save by writing a temporary file and
 * renaming it over the original replace the inode, which a per-file watch loses, while
 * the folder keeps reporting the name. Hidden files (".x.zone.swp", ".#x") are ignored.
 */
export function watchDirectory(dir: string, options: WatchDirectoryOptions): DirectoryWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const onError = options.onError ?? (() => {});
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const matches = (name: string): boolean => !name.startsWith('.') && options.extensions.some((ext) => name.endsWith(ext));

  const fire = (name: string): void => {
    timers.delete(name);
    if (closed) return;
    try {
      Promise.resolve(options.onChange(join(dir, name))).catch(onError);
    } catch (err) {
      onError(err);
    }
  };

  const schedule = (name: string): void => {
    if (closed || !matches(name)) return;
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(fire, debounceMs, name));
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false }, (_event, filename) => {
      const name = filename?.toString();
      if (name && name !== KUBERNETES_SWAP) {
        schedule(name);
        return;
      }
      // Some platforms omit the name, and a Kubernetes ConfigMap volume swaps its "..data"
      // symlink instead of touching the files: every matching file may have changed.
      readdir(dir).then((names) => names.forEach(schedule), onError);
    });
  } catch (err) {
    throw new MeridianError(ZoneErrorCode.watch, `cannot watch ${dir}: ${describeError(err)}`, { cause: err, hint: 'check that the folder exists; send SIGHUP to reload by hand' });
  }
  watcher.on('error', onError);

  return {
    close(): void {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      watcher.close();
    },
  };
}
