import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Events, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import type { ConsumerDef, KvDef, ObjectStoreDef, StreamDef } from '@talkrec/contracts';
import type { Listen } from './config/env.js';
import type { NatsAuthConfig } from './config/base.js';
import { createLogger, type Logger } from './logger.js';
import { connectBus } from './nats/connect.js';
import { MediaStore } from './nats/media-store.js';
import { Publisher } from './nats/publisher.js';
import { ensureConsumer, ensureKv, ensureObjectStore, ensureStream } from './nats/topology.js';
import { ServiceMetrics } from './ops/metrics.js';
import { OpsServer } from './ops/server.js';
import { guardProcess, handleSignals, type StopMode } from './lifecycle.js';

/** Injection tokens for what every service has; class tokens are used for a service's own classes. */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Nats: Symbol('Nats'),
  JetStream: Symbol('JetStream'),
  JetStreamManager: Symbol('JetStreamManager'),
  Publisher: Symbol('Publisher'),
  Metrics: Symbol('Metrics'),
  Ops: Symbol('Ops'),
  Media: Symbol('Media'),
  Clock: Symbol('Clock'),
} as const;

/** Time as the pure cores see it; tests inject their own. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface RuntimeConfig extends NatsAuthConfig {
  LOG_LEVEL: string;
  INSTANCE_ID: string;
  OPS_LISTEN: Listen;
  DRAIN_TIMEOUT_S: number;
}

export interface Topology {
  streams?: StreamDef[];
  /** Per-stream limit overrides from config (max age, max bytes). */
  streamLimits?: Record<string, { maxAgeNs?: number; maxBytes?: number }>;
  consumers?: ConsumerDef[];
  kv?: KvDef[];
  objectStores?: ObjectStoreDef[];
}

type StopHook = (mode: StopMode) => Promise<void> | void;

/**
 * What every service starts with: logger, metrics, the ops listener, the NATS connection, the
 * JetStream topology it needs (created idempotently), a publisher, and a tsyringe container holding
 * them. Services add their consumers and register stop hooks; `serve()` waits for a signal.
 */
export class ServiceRuntime {
  readonly container: DependencyContainer = rootContainer.createChildContainer();
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly ops: OpsServer;
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  publisher!: Publisher;
  media: MediaStore | undefined;
  private readonly stopHooks: StopHook[] = [];
  private connected = false;
  private topologyReady = false;
  private serving = false;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly service: string,
    readonly config: RuntimeConfig,
    logDestination?: Parameters<typeof createLogger>[0]['destination'],
  ) {
    this.log = createLogger({
      service,
      instanceId: config.INSTANCE_ID,
      level: config.LOG_LEVEL,
      ...(logDestination ? { destination: logDestination } : {}),
    });
    this.metrics = new ServiceMetrics(service);
    this.ops = new OpsServer(this.metrics, this.log);
    this.ops.addReadinessCheck('nats', () => (this.connected ? null : 'not connected to NATS'));
    this.ops.addReadinessCheck('topology', () =>
      this.topologyReady ? null : 'JetStream topology not ready',
    );
    // Ready only once the service has wired everything: the controller, for one, must own the HPB
    // stream before anything that waits on /readyz starts a call it is expected to see.
    this.ops.addReadinessCheck('service', () => (this.serving ? null : 'service still starting'));
    this.container.register(TOKENS.Config, { useValue: config });
    this.container.register(TOKENS.Logger, { useValue: this.log });
    this.container.register(TOKENS.Metrics, { useValue: this.metrics });
    this.container.register(TOKENS.Ops, { useValue: this.ops });
    this.container.register(TOKENS.Clock, { useValue: systemClock });
  }

  /** Ops listener first (so liveness answers at once), then NATS and the topology. */
  async start(topology: Topology): Promise<this> {
    guardProcess(this.log);
    await this.ops.listen(this.config.OPS_LISTEN);
    this.nc = await connectBus(this.config, {
      name: `talkrec-${this.service}/${this.config.INSTANCE_ID}`,
      log: this.log,
    });
    this.connected = true;
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === Events.Disconnect) this.connected = false;
        if (s.type === Events.Reconnect) this.connected = true;
      }
    })();
    this.js = this.nc.jetstream();
    this.jsm = await this.nc.jetstreamManager();
    for (const s of topology.streams ?? []) await ensureStream(this.jsm, s, topology.streamLimits?.[s.name]);
    for (const c of topology.consumers ?? []) await ensureConsumer(this.jsm, c);
    for (const k of topology.kv ?? []) await ensureKv(this.js, k);
    for (const o of topology.objectStores ?? []) {
      const store = await ensureObjectStore(this.js, o);
      this.media ??= new MediaStore(store, o.chunkBytes);
    }
    this.topologyReady = true;
    this.publisher = new Publisher(this.nc, this.js, this.service);
    this.container.register(TOKENS.Nats, { useValue: this.nc });
    this.container.register(TOKENS.JetStream, { useValue: this.js });
    this.container.register(TOKENS.JetStreamManager, { useValue: this.jsm });
    this.container.register(TOKENS.Publisher, { useValue: this.publisher });
    if (this.media) this.container.register(TOKENS.Media, { useValue: this.media });
    this.log.info({ service: this.service }, 'runtime ready');
    return this;
  }

  /** Hooks run in reverse order of registration when the service stops. */
  onStop(hook: StopHook): void {
    this.stopHooks.push(hook);
  }

  stop(mode: StopMode): Promise<void> {
    this.stopped ??= (async () => {
      for (const hook of [...this.stopHooks].reverse()) {
        try {
          await hook(mode);
        } catch (err) {
          this.log.error({ err }, 'stop hook failed');
        }
      }
      if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
      await this.ops.close();
      this.log.info({ mode }, 'stopped');
    })();
    return this.stopped;
  }

  /** Reports ready, waits for SIGTERM/SIGINT, stops, and exits the process. */
  async serve(): Promise<never> {
    this.serving = true;
    await handleSignals(this, this.log);
    process.exit(0);
  }
}
