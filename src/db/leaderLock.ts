import { LOCK_KEYS } from './lockKeys.ts';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log/logger.ts';
import type { Db } from './openDatabase.ts';

/**
 * Key of the leader lock of `serve` replicas: another key than the reconcile lock
 * (advisoryLock.ts), because the leader holds it for its whole life while each applying
 * run, the leader's included, takes the reconcile lock for the run only.
 */
export const LEADER_LOCK_KEY = LOCK_KEYS.leader;

/** application_name prefix of the leader lock's connection: how `status` finds the leader. */
export const LEADER_APPLICATION_NAME = 'bulk-users-leader';

export interface LeaderLockOptions {
  url: string;
  /** Names this replica in pg_stat_activity (host:pid). */
  identity: string;
  logger: Logger;
  /** Called on every change of leadership (true: this replica leads now). */
  onChange: (leader: boolean) => void;
  key?: number;
  /**
   * A follower tries to take the lock this often, and the leader checks its connection
   * this often (default 1500 ms): a dead leader is replaced within about this long.
   */
  retryMs?: number;
}

/**
 * Leader election by a session-level advisory lock held on a dedicated connection (never
 * a pooled one: a pool would hand the session, and the lock, to other work). PostgreSQL
 * drops the lock when the leader's connection goes, whatever killed it, and a follower
 * polling with pg_try_advisory_lock takes it over. The leader notices a lost connection
 * by the client's 'error'/'end' events or a failing heartbeat, steps down at once and
 * reconnects as a follower. Leadership decides who starts scheduled and watch runs;
 * safety (never two applying at once) stays with the reconcile lock.
 */
export class LeaderLock {
  private client: pg.Client | undefined;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private tickDone: Promise<void> = Promise.resolve();
  private readonly key: number;
  private readonly retryMs: number;
  private since: Date | undefined;

  constructor(private readonly opts: LeaderLockOptions) {
    this.key = opts.key ?? LEADER_LOCK_KEY;
    this.retryMs = opts.retryMs ?? 1500;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** When this replica became the leader (undefined while following). */
  get leaderSince(): Date | undefined {
    return this.since;
  }

  start(): void {
    this.schedule(0);
  }

  /** Steps down: releases the lock (so a follower takes over at its next try) and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tickDone;
    const client = this.client;
    this.client = undefined;
    if (client) {
      if (this.leader) await client.query('SELECT pg_advisory_unlock($1)', [this.key]).catch(() => {});
      await client.end().catch(() => {});
    }
    this.setLeader(false, 'stopped');
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tickDone = this.tick().finally(() => this.schedule(this.retryMs));
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      const client = this.client ?? (await this.connect());
      if (this.stopped) return;
      if (this.leader) {
        // A connection can die without an event (a network partition): ask it.
        await client.query('SELECT 1');
      } else {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.key]);
        if (rows[0]?.ok && !this.stopped) this.setLeader(true, 'acquired the leader lock');
      }
    } catch (err) {
      this.lost(this.client, err);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: `${LEADER_APPLICATION_NAME} ${this.opts.identity}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      // The heartbeat must not hang on a half-open connection.
      query_timeout: Math.max(3000, this.retryMs * 2),
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    return client;
  }

  /** The lock's connection is gone or unusable: step down now, reconnect at the next tick. */
  private lost(client: pg.Client | undefined, err: unknown): void {
    if (!client || client !== this.client) {
      if (!this.client && !this.stopped) this.opts.logger.debug({ err: messageOf(err) }, 'leader lock: cannot connect; retrying');
      return;
    }
    this.client = undefined;
    void client.end().catch(() => {});
    if (this.leader) this.opts.logger.warn({ err: messageOf(err) }, 'leader lock connection lost: stepping down');
    this.setLeader(false, 'connection lost');
  }

  private setLeader(leader: boolean, why: string): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.since = leader ? new Date() : undefined;
    this.opts.logger.info({ leader, identity: this.opts.identity, why }, leader ? 'this replica is the leader' : 'this replica follows');
    this.opts.onChange(leader);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The replica holding the leader lock, as its connection names it; undefined when none does. */
export async function currentLeader(db: Db, key: number = LEADER_LOCK_KEY): Promise<{ identity: string; connectedAt: Date | null } | undefined> {
  const high = Math.floor(key / 2 ** 32);
  const low = key % 2 ** 32;
  const { rows } = await sql<{ application_name: string; backend_start: Date | null }>`
    SELECT a.application_name, a.backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ${high}::bigint::oid AND l.objid = ${low}::bigint::oid AND l.objsubid = 1`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  const identity = r.application_name.startsWith(LEADER_APPLICATION_NAME) ? r.application_name.slice(LEADER_APPLICATION_NAME.length).trim() : r.application_name;
  return { identity, connectedAt: r.backend_start };
}
