/** Injection tokens of the controller's own values (classes are their own tokens). */
export const CTOKENS = {
  Backends: Symbol('Backends'),
  SpecDefaults: Symbol('SpecDefaults'),
  AutoRecordPolicy: Symbol('AutoRecordPolicy'),
  HpbBackendMap: Symbol('HpbBackendMap'),
  Store: Symbol('Store'),
  EventLog: Symbol('EventLog'),
  HpbSource: Symbol('HpbSource'),
  ControllerMetrics: Symbol('ControllerMetrics'),
  /** The per-room rules, in memory (RuleCache). */
  Rules: Symbol('Rules'),
  /** Bot secret and notice language per backend id. */
  Bots: Symbol('Bots'),
  AuditReader: Symbol('AuditReader'),
} as const;
