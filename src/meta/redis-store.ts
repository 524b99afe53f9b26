import type { InvalidationSnapshot, LoadReport, MetaStore, NodeInfo, NodeStatus, PurgeAck, PurgeBatch, PurgeRequest } from './types.js';
import type { RedisConnectionConfig } from './config.js';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisClient } from './redis-connection.js';
import { metaKeys, type MetaKeys } from './keys.js';
import { encodeRequests, fieldsOf, publishedBatch, readEntry } from './stream-entry.js';
import { MetaError, badPurge, notReplicated, unavailable } from './errors.js';
import { parseAck, parseNodeStatus } from './records.js';
import { ReplicaWait } from './replica-wait.js';

/*
 * Lua keeps each step atomic; all keys of a script share the `{inv}` hash tag (one Cluster slot).
 * KEYS: 1 seq, 2 epoch, 3 stream, 4 last-id, 5 versions:hard, 6 versions:soft, 7 floors.
 *
 * The counter starts at the server's clock in microseconds, not at 1: if Redis loses its
 * data the new counter still starts above every sequence issued before (unless more than
 * a million purges a second were issued on average), so sequences never go backwards and
 * a copy fetched before the loss can never look newer than a purge after it.
 */
const ENSURE = `
local function ensure()
  local epoch = redis.call('GET', KEYS[2])
  if epoch then return epoch end
  local t = redis.call('TIME')
  local start = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
  if current < start then redis.call('SET', KEYS[1], string.format('%.0f', start)) end
  epoch = string.format('%.0f', start)
  redis.call('SET', KEYS[2], epoch)
  return epoch
end
`;

const PUBLISH = `${ENSURE}
local function compact(zkey, field, max)
  local card = redis.call('ZCARD', zkey)
  if card <= max then return end
  local popped = redis.call('ZPOPMIN', zkey, card - math.floor(max * 0.9))
  local floor = tonumber(popped[#popped])
  local current = tonumber(redis.call('HGET', KEYS[7], field) or '0')
  if floor > current then redis.call('HSET', KEYS[7], field, string.format('%.0f', floor)) end
end
ensure()
local items = cjson.decode(ARGV[4])
local n = #items
local last = redis.call('INCRBY', KEYS[1], n)
local first = last - n + 1
-- One ZADD per kind and chunk: a call per purge would dominate the script's time.
local pending = { [KEYS[5]] = {}, [KEYS[6]] = {} }
local function flush(zkey)
  if #pending[zkey] > 0 then redis.call('ZADD', zkey, unpack(pending[zkey])) end
  pending[zkey] = {}
end
for i, item in ipairs(items) do
  local zkey = KEYS[5]
  if item[2] == 1 then zkey = KEYS[6] end
  local list = pending[zkey]
  list[#list + 1] = string.format('%.0f', first + i - 1)
  list[#list + 1] = item[1]
  if #list >= 2000 then flush(zkey) end
end
flush(KEYS[5])
flush(KEYS[6])
local prev = redis.call('GET', KEYS[4]) or '0-0'
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'prev', prev, 'first', string.format('%.0f', first), 'at', ARGV[3], 'events', ARGV[4])
redis.call('SET', KEYS[4], id)
compact(KEYS[5], 'hard', tonumber(ARGV[2]))
compact(KEYS[6], 'soft', tonumber(ARGV[2]))
-- Replicas attached now: how many the caller can WAIT for (ARGV[5] = '1' when it will).
local replicas = 0
if ARGV[5] == '1' then replicas = tonumber(string.match(redis.call('INFO', 'replication'), 'connected_slaves:(%d+)') or '0') end
return {id, prev, string.format('%.0f', first), replicas}
`;

const SNAPSHOT = `${ENSURE}
local epoch = ensure()
return {
  epoch,
  redis.call('GET', KEYS[1]),
  redis.call('GET', KEYS[4]) or '0-0',
  redis.call('ZRANGE', KEYS[5], 0, -1, 'WITHSCORES'),
  redis.call('ZRANGE', KEYS[6], 0, -1, 'WITHSCORES'),
  redis.call('HGET', KEYS[7], 'hard') or '0',
  redis.call('HGET', KEYS[7], 'soft') or '0'
}
`;

const EPOCH = `${ENSURE}
return ensure()
`;

/* ARGV[1]: the reserved sequence must also be above it (a node that applied sequences this store lost in a failover). */
const RESERVE = `${ENSURE}
ensure()
local next = math.max(tonumber(redis.call('GET', KEYS[1])), tonumber(ARGV[1])) + 1
redis.call('SET', KEYS[1], string.format('%.0f', next))
return string.format('%.0f', next)
`;

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

export interface RedisStoreOptions {
  redis: RedisConnectionConfig;
  keyPrefix: string;
  streamMaxLength: number;
  maxVersions: number;
  /** Reconnect with backoff (nodes; default) or fail at once (the CLI). */
  reconnect?: boolean;
}

export class RedisMetaStore implements MetaStore {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient;
  private reader: RedisClient | undefined;
  private readonly keys: MetaKeys;
  private readonly scripts: Record<'publish' | 'snapshot' | 'epoch' | 'reserve', ScriptCall>;
  private closed = false;
  private lastError: Error | undefined;
  private readonly waitReplicas: number;
  private readonly waitTimeoutMs: number;
  /** Replicas to WAIT for: waitReplicas, capped at those attached when the last purge was written. */
  private replicasWanted = 0;
  private readonly replicaWait: ReplicaWait;
  private readonly readyWaits = new Map<RedisClient, Promise<void>>();

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = metaKeys(options.keyPrefix);
    this.waitReplicas = options.redis.waitReplicas ?? (options.redis.sentinel ? 1 : 0);
    this.waitTimeoutMs = options.redis.waitTimeoutMs ?? 1000;
    this.replicaWait = new ReplicaWait(async () =>
      Number(await this.run('publish', (client) => (client as Redis).call('WAIT', this.replicasWanted, this.waitTimeoutMs))),
    );
    this.client = createRedisClient(options.redis, { reconnect: options.reconnect ?? true });
    // Errors surface through the commands that fail (with the last socket error as the reason);
    // without a listener ioredis would print them.
    this.client.on('error', (err: Error) => (this.lastError = err));
    this.scripts = {
      publish: this.define('meridianPublish', PUBLISH),
      snapshot: this.define('meridianSnapshot', SNAPSHOT),
      epoch: this.define('meridianEpoch', EPOCH),
      reserve: this.define('meridianReserve', RESERVE),
    };
  }

  async ready(): Promise<void> {
    await this.connected(this.client, 'connect');
  }

  async heartbeat(info: NodeInfo, load: LoadReport, ttlMs: number): Promise<void> {
    const now = Date.now();
    const status: NodeStatus = { ...info, load, updatedAt: now, expiresAt: now + ttlMs };
    await this.run('heartbeat', async (client) => {
      await client
        .multi()
        .set(this.keys.node(info.id), JSON.stringify(status), 'PX', ttlMs)
        .zadd(this.keys.nodes, status.expiresAt, info.id)
        .zremrangebyscore(this.keys.nodes, '-inf', now)
        .exec();
    });
  }

  async removeNode(id: string): Promise<void> {
    await this.run('removeNode', async (client) => {
      await client.multi().del(this.keys.node(id)).zrem(this.keys.nodes, id).exec();
    });
  }

  async listNodes(): Promise<NodeStatus[]> {
    return this.run('listNodes', async (client) => {
      const ids = await client.zrangebyscore(this.keys.nodes, Date.now(), '+inf');
      if (ids.length === 0) return [];
      const records = await client.mget(ids.map((id) => this.keys.node(id)));
      return records
        .map((raw) => (raw === null ? undefined : parseNodeStatus(raw)))
        .filter((node): node is NodeStatus => node !== undefined)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  async publish(requests: readonly PurgeRequest[], issuedAt: number): Promise<PurgeBatch> {
    if (requests.length === 0) throw badPurge('nothing to purge');
    const wire = encodeRequests(requests);
    const reply = (await this.run('publish', () =>
      this.scripts.publish(...this.invKeys(), this.options.streamMaxLength, this.options.maxVersions, issuedAt, JSON.stringify(wire), this.waitReplicas > 0 ? '1' : '0'),
    )) as [string, string, string, number];
    const [id, previousId, first, attached] = reply;
    this.replicasWanted = Math.min(this.waitReplicas, attached);
    await this.replicated(this.replicasWanted);
    return publishedBatch(id, previousId, Number(first), requests, issuedAt);
  }

  /**
   * WAIT until `replicas` replicas hold this connection's writes: a failover promotes a
   * replica, and one that lacks a purge already reported done would lose it for good.
   * Capped at the replicas attached when the purge was written, so a primary left alone
   * (its replica gone, or after a failover) keeps taking purges (see README, "Failover").
   */
  private async replicated(replicas: number): Promise<void> {
    if (replicas <= 0) return;
    let acked: number;
    try {
      acked = await this.replicaWait.wait();
    } catch (err) {
      // The purge is on the primary (nodes may apply it) but may not survive: not "not applied".
      throw notReplicated(0, replicas, this.waitTimeoutMs, err);
    }
    if (acked < replicas) throw notReplicated(acked, replicas, this.waitTimeoutMs);
  }

  async read(afterId: string, options: { count: number; blockMs: number; signal?: AbortSignal }): Promise<PurgeBatch[]> {
    if (this.closed) return [];
    const reader = this.readerClient();
    let reply: Array<[string, Array<[string, string[]]>]> | null;
    try {
      await this.connected(reader, 'read');
      reply = options.blockMs > 0
        ? ((await reader.xread('COUNT', options.count, 'BLOCK', options.blockMs, 'STREAMS', this.keys.stream, afterId)) as typeof reply)
        : ((await reader.xread('COUNT', options.count, 'STREAMS', this.keys.stream, afterId)) as typeof reply);
    } catch (err) {
      if (this.closed) return [];
      throw err instanceof MetaError ? err : unavailable('read', err);
    }
    if (!reply || options.signal?.aborted) return [];
    return reply[0]![1].map(([id, flat]) => readEntry(id, fieldsOf(flat)));
  }

  async snapshot(): Promise<InvalidationSnapshot> {
    const reply = (await this.run('snapshot', () => this.scripts.snapshot(...this.invKeys()))) as [string, string, string, string[], string[], string, string];
    const [epoch, sequence, lastId, hard, soft, hardFloor, softFloor] = reply;
    return { epoch, sequence: Number(sequence), lastId, hard: pairs(hard), soft: pairs(soft), hardFloor: Number(hardFloor), softFloor: Number(softFloor) };
  }

  async epoch(): Promise<string> {
    return String(await this.run('epoch', () => this.scripts.epoch(...this.invKeys())));
  }

  async reserveSequence(above = 0): Promise<number> {
    return Number(await this.run('reserveSequence', () => this.scripts.reserve(...this.invKeys(), above)));
  }

  async streamLength(): Promise<number> {
    return this.run('streamLength', (client) => client.xlen(this.keys.stream));
  }

  async ack(ack: PurgeAck): Promise<void> {
    await this.run('ack', (client) => client.hset(this.keys.acks, ack.nodeId, JSON.stringify(ack)));
  }

  async acks(): Promise<Map<string, PurgeAck>> {
    const raw = await this.run('acks', (client) => client.hgetall(this.keys.acks));
    const out = new Map<string, PurgeAck>();
    for (const value of Object.values(raw)) {
      const ack = parseAck(value);
      if (ack) out.set(ack.nodeId, ack);
    }
    return out;
  }

  /** Trim the stream to at most `maxLength` entries, exactly (operations and tests). */
  async trim(maxLength: number): Promise<number> {
    return this.run('trim', (client) => client.xtrim(this.keys.stream, 'MAXLEN', maxLength));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // disconnect(), not quit(): a blocked XREAD must end now, and there is nothing left to flush.
    this.reader?.disconnect();
    this.client.disconnect();
  }

  private invKeys(): [number, ...string[]] {
    const k = this.keys;
    return [7, k.sequence, k.epoch, k.stream, k.lastId, k.versionsHard, k.versionsSoft, k.floors];
  }

  private define(name: string, lua: string): ScriptCall {
    this.client.defineCommand(name, { lua });
    const client = this.client as unknown as Record<string, ScriptCall>;
    return (...args) => client[name]!(...args);
  }

  private readerClient(): RedisClient {
    if (!this.reader) {
      // XREAD BLOCK holds its connection: it gets its own so other commands are not stuck behind it.
      this.reader = this.client.duplicate() as RedisClient;
      this.reader.on('error', (err: Error) => (this.lastError = err));
    }
    return this.reader;
  }

  private async run<T>(operation: string, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new MetaError('MERIDIAN_E_META_CLOSED', `metadata store closed before ${operation}`);
    await this.connected(this.client, operation);
    try {
      return await fn(this.client);
    } catch (err) {
      throw err instanceof MetaError ? err : unavailable(operation, err);
    }
  }

  /** Wait for the client to be ready, starting the first connection; fail after the connect timeout. */
  private async connected(client: RedisClient, operation: string): Promise<void> {
    if (client.status === 'ready') return;
    if (client.status === 'end' && this.closed) throw new MetaError('MERIDIAN_E_META_CLOSED', `metadata store closed before ${operation}`);
    if (client.status === 'wait') {
      try {
        await client.connect();
        return;
      } catch (err) {
        // Without reconnection this was the only attempt: report its reason (ECONNREFUSED, ...).
        if (this.options.reconnect === false) throw unavailable(operation, this.lastError ?? err);
      }
      if ((client.status as string) === 'ready') return;
    }
    const timeoutMs = this.options.redis.connectTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(operation, new Error(`not connected after ${timeoutMs} ms (${this.lastError?.message ?? client.status})`))), timeoutMs);
    });
    try {
      await Promise.race([this.readiness(client, operation), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One pair of listeners per client however many commands wait for it (purges under load during an outage). */
  private readiness(client: RedisClient, operation: string): Promise<void> {
    let waiting = this.readyWaits.get(client);
    if (!waiting) {
      waiting = new Promise<void>((resolve, reject) => {
        const onReady = (): void => finish();
        const onEnd = (): void => finish(unavailable(operation, new Error('connection closed')));
        const finish = (err?: Error): void => {
          client.off('ready', onReady);
          client.off('end', onEnd);
          this.readyWaits.delete(client);
          if (err) reject(err);
          else resolve();
        };
        client.on('ready', onReady);
        client.on('end', onEnd);
      });
      // Every caller races it with its own timeout; nobody may be left to see a rejection.
      waiting.catch(() => {});
      this.readyWaits.set(client, waiting);
    }
    return client.status === 'ready' ? Promise.resolve() : waiting;
  }
}

function pairs(flat: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}
