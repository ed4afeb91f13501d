import 'reflect-metadata';
import type { NatsConnection } from 'nats';
import { connectBus, resolveBackends, type ServiceRuntime } from '@talkrec/platform';
import { botSettingsFrom, hpbNatsAuth, specDefaultsFrom, type ControllerConfig } from './config.js';
import { AuditReader } from './adapters/audit-reader.js';
import { EventLog } from './adapters/event-log.js';
import { HpbSource } from './adapters/hpb-source.js';
import { RuleCache } from './adapters/rule-cache.js';
import { StateStore } from './adapters/state-store.js';
import { TalkBotClient } from './adapters/talk-bot.js';
import { AdminApi } from './api/admin-api.js';
import { TalkApi } from './api/talk-api.js';
import { hpbBackendMap } from './core/hpb-decode.js';
import { parseAutoRecord } from './core/rules.js';
import { TalkClient } from './adapters/talk-client.js';
import { AnnounceHandler } from './handlers/announce.handler.js';
import { CallbackHandler } from './handlers/callback.handler.js';
import { CommandHandler } from './handlers/command.handler.js';
import { EventHandler } from './handlers/event.handler.js';
import { CallWatcher } from './leader/call-watcher.js';
import { Leadership } from './leader/leadership.js';
import { Orchestrator } from './leader/orchestrator.js';
import { Purger } from './leader/purger.js';
import { StorageWatch } from './leader/storage-watch.js';
import { ControllerMetrics } from './metrics.js';
import { CTOKENS } from './tokens.js';

export interface Controller {
  leadership: Leadership;
  talkApi: TalkApi;
  adminApi: AdminApi;
  /** How call events are read from the HPB's NATS. */
  hpbMode: HpbSource['mode'];
}

/**
 * Wires the controller into a started runtime: its adapters and values in the container, the Talk and
 * admin APIs (every instance), and the leadership that runs the single-writer duties.
 */
export async function startController(
  runtime: ServiceRuntime,
  config: ControllerConfig,
): Promise<Controller> {
  const c = runtime.container;
  const backends = resolveBackends(config);
  c.register(CTOKENS.Backends, { useValue: new Map(backends.map((b) => [b.id, b])) });
  c.register(CTOKENS.SpecDefaults, { useValue: specDefaultsFrom(config) });
  c.register(CTOKENS.AutoRecordPolicy, { useValue: parseAutoRecord(config.AUTO_RECORD) });
  c.register(CTOKENS.HpbBackendMap, { useValue: hpbBackendMap(backends) });
  c.register(CTOKENS.ControllerMetrics, { useValue: new ControllerMetrics(runtime.metrics) });
  c.register(CTOKENS.Store, { useValue: await StateStore.open(runtime.js) });
  c.register(CTOKENS.EventLog, { useValue: new EventLog(runtime.js) });
  c.register(CTOKENS.AuditReader, { useValue: new AuditReader(runtime.js, runtime.jsm) });
  const bots = botSettingsFrom(config);
  c.register(CTOKENS.Bots, { useValue: bots });
  const rules = await RuleCache.open(runtime.js, runtime.log);
  c.register(CTOKENS.Rules, { useValue: rules });
  runtime.onStop(() => rules.stop());
  const silent = [...bots].filter(([, b]) => !b.secret).map(([id]) => id);
  if (config.ANNOUNCE !== 'none' && silent.length) {
    runtime.log.warn(
      { backends: silent, announce: config.ANNOUNCE },
      'notices are on but these backends have no bot secret: their conversations will not be told',
    );
  }

  let hpbNats: NatsConnection = runtime.nc;
  const hpbAuth = hpbNatsAuth(config);
  if (hpbAuth) {
    hpbNats = await connectBus(hpbAuth, {
      name: `talkrec-controller-hpb/${config.INSTANCE_ID}`,
      log: runtime.log,
    });
    runtime.onStop(() => hpbNats.drain().catch(() => hpbNats.close()));
  }
  const source = await HpbSource.open(hpbNats, runtime.log, { maxAgeS: config.HPB_ROOMS_MAX_AGE_S });
  await source.prepare();
  c.register(CTOKENS.HpbSource, { useValue: source });

  // One of each per controller: the leader's state (locks, tracker, timers) must not be duplicated.
  for (const cls of [
    TalkClient,
    TalkBotClient,
    Orchestrator,
    Purger,
    StorageWatch,
    CallWatcher,
    CommandHandler,
    EventHandler,
    CallbackHandler,
    AnnounceHandler,
    Leadership,
    TalkApi,
    AdminApi,
  ]) {
    c.registerSingleton(cls as new (...args: never[]) => unknown);
  }
  const talkApi = c.resolve(TalkApi);
  const adminApi = c.resolve(AdminApi);
  const leadership = c.resolve(Leadership);
  await talkApi.listen();
  await adminApi.listen();
  await leadership.start();
  runtime.ops.addReadinessCheck('talk-api', () =>
    talkApi.server.listening ? null : 'talk api not listening',
  );
  runtime.ops.addReadinessCheck('leader', () => (leadership.healthy ? null : 'leader loops not running'));
  runtime.onStop(async (mode) => {
    await talkApi.server.close();
    await adminApi.server.close();
    await leadership.stop(mode);
  });
  runtime.log.info(
    { backends: backends.map((b) => b.id), hpb: source.mode, autoRecord: config.AUTO_RECORD },
    'controller started',
  );
  return { leadership, talkApi, adminApi, hpbMode: source.mode };
}
