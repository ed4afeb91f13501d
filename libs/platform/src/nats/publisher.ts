import { headers as natsHeaders, type JetStreamClient, type NatsConnection } from 'nats';
import {
  DeadLetter,
  StageFailed,
  encode,
  subjects,
  type MessageContract,
  type PayloadOf,
  type Stage,
} from '@talkrec/contracts';
import type { z } from 'zod';

const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

/**
 * Every publish goes through here: payloads are validated against their contract before they leave,
 * and JetStream publishes carry a `Nats-Msg-Id` so a retried publish is stored once.
 */
export class Publisher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly service: string,
  ) {}

  /** A lifecycle event onto the events stream. */
  async event<C extends MessageContract>(
    contract: C,
    payload: z.input<C['schema']> & { recordingId: string },
    msgId?: string,
  ): Promise<void> {
    await this.persist(subjects.event(contract, payload.recordingId), encode(contract, payload), msgId);
  }

  /** A job or command onto its work queue (subject chosen by the caller from `subjects`). */
  async job<C extends MessageContract>(
    contract: C,
    subject: string,
    payload: z.input<C['schema']>,
    msgId?: string,
  ): Promise<void> {
    await this.persist(subject, encode(contract, payload), msgId);
  }

  /** A live (not persisted) message such as a heartbeat. */
  live<C extends MessageContract>(contract: C, subject: string, payload: z.input<C['schema']>): void {
    this.nc.publish(subject, encode(contract, payload));
  }

  async stageFailed(
    payload: Omit<PayloadOf<typeof StageFailed>, 'v' | 'at'> & { stage: Stage },
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.persist(
      subjects.stageFailed(payload.stage, payload.recordingId),
      encode(StageFailed, { v: 1, at, ...payload }),
      `failed-${payload.stage}-${payload.recordingId}-${payload.subject ?? ''}-${payload.attempt ?? 0}`,
    );
  }

  /** Keeps a message that failed validation, with the reason, in the dead-letter stream. */
  async deadLetter(input: {
    subject: string;
    data: Uint8Array;
    error: string;
    stream?: string;
    seq?: number;
  }): Promise<void> {
    const truncated = input.data.length > MAX_DEAD_LETTER_PAYLOAD;
    const data = truncated ? input.data.subarray(0, MAX_DEAD_LETTER_PAYLOAD) : input.data;
    let payload: string;
    let payloadEncoding: 'utf8' | 'base64';
    try {
      payload = new TextDecoder('utf-8', { fatal: true }).decode(data);
      payloadEncoding = 'utf8';
    } catch {
      payload = Buffer.from(data).toString('base64');
      payloadEncoding = 'base64';
    }
    const letter: PayloadOf<typeof DeadLetter> = {
      v: 1,
      at: new Date().toISOString(),
      service: this.service,
      subject: input.subject,
      error: input.error.slice(0, 4000),
      payload,
      payloadEncoding,
      truncated,
      ...(input.stream ? { stream: input.stream } : {}),
      ...(input.seq !== undefined ? { seq: input.seq } : {}),
    };
    await this.persist(
      subjects.deadLetter(this.service),
      encode(DeadLetter, letter),
      input.stream && input.seq !== undefined
        ? `dlq-${this.service}-${input.stream}-${input.seq}`
        : undefined,
    );
  }

  private async persist(subject: string, data: Uint8Array, msgId?: string): Promise<void> {
    const h = natsHeaders();
    if (msgId) h.set('Nats-Msg-Id', msgId);
    await this.js.publish(subject, data, { headers: h });
  }
}
