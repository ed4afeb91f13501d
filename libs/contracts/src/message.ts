import type { z } from 'zod';

/** A validation failure, flattened to one line per issue so it fits a log line and a dead letter. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly contract: string,
    readonly issues: readonly string[],
  ) {
    super(`${contract}: ${issues.join('; ')}`);
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ContractViolation };

/**
 * One definition per payload: the zod schema is the runtime check, and the TS type is derived from it,
 * so the two cannot drift apart.
 */
export interface MessageContract<S extends z.ZodType = z.ZodType> {
  /** Stable dotted name, e.g. `capture.segment`. */
  readonly name: string;
  /** Schema version; a breaking change adds a new contract with the next version. */
  readonly version: number;
  readonly schema: S;
}

export type PayloadOf<C extends MessageContract> = z.output<C['schema']>;

export function defineMessage<S extends z.ZodType>(
  name: string,
  version: number,
  schema: S,
): MessageContract<S> {
  return Object.freeze({ name, version, schema });
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Validates an already-parsed value. */
export function check<C extends MessageContract>(contract: C, value: unknown): Decoded<PayloadOf<C>> {
  const result = contract.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data as PayloadOf<C> };
  return {
    ok: false,
    error: new ContractViolation(`${contract.name}.v${contract.version}`, formatIssues(result.error)),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Decodes wire bytes (UTF-8 JSON) and validates them. Never throws. */
export function decode<C extends MessageContract>(contract: C, data: Uint8Array): Decoded<PayloadOf<C>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(data));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      error: new ContractViolation(`${contract.name}.v${contract.version}`, [`not JSON: ${reason}`]),
    };
  }
  return check(contract, parsed);
}

/** Validates before encoding, so a producer can never put an invalid payload on the bus. */
export function encode<C extends MessageContract>(contract: C, value: z.input<C['schema']>): Uint8Array {
  const checked = check(contract, value);
  if (!checked.ok) throw checked.error;
  return encoder.encode(JSON.stringify(checked.value));
}
