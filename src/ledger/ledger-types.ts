import type { Statement } from "../db/client";
import type { Role } from "../domain/roles";
import type { ErrorCode, FieldError } from "../lib/problem";

/**
 * Only an error's name and message cross Durable Object RPC, so ledger methods return results
 * and the HTTP layer maps codes to statuses.
 */
export type LedgerResult<T> =
  | { ok: true; value: T; replayed?: boolean }
  | {
      ok: false;
      code: ErrorCode;
      detail: string;
      errors?: FieldError[];
      /** Code-specific problem members, e.g. `failed_gates` (see ApiError.extensions). */
      extensions?: Record<string, unknown>;
    };

export const fail = (
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  extensions?: Record<string, unknown>,
): LedgerResult<never> => ({
  ok: false,
  code,
  detail,
  ...(errors ? { errors } : {}),
  ...(extensions ? { extensions } : {}),
});

/** Who asked, and under which request: recorded in the audit entry and the event. */
export interface ChangeContext {
  actor: { id: string; name: string };
  /** The caller's role, for rules finer than a route's minimum (protected aliases, stage edges). */
  role?: Role | undefined;
  requestId: string;
  reason?: string | undefined;
  /** Present when the request carried an Idempotency-Key (scoped to actor and route). */
  idempotency?: { key: string; requestHash: string } | undefined;
}

/** What a decided change writes: the mutation, its audit entry and its event, in one batch. */
export interface Change<T> {
  statements: Statement[];
  /** The audit chain this change extends: the model id, or `system`. */
  chain: string;
  modelName: string | null;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  /** The event announcing the change; omitted for system changes that have no model. */
  event?: {
    type: string;
    modelId: string;
    version: number | null;
    data: Record<string, unknown>;
    /** What the event is about when it belongs to no model (e.g. `dataset:<id>`, issue #19). */
    subject?: string;
  };
  /** Reference stored with an idempotency key, so a retry can answer the same resource. */
  ref?: IdempotentRef;
  /** Builds the response after the batch committed. */
  respond: () => Promise<T>;
}

export type IdempotentRef =
  | { kind: "model"; name: string }
  | { kind: "version"; name: string; version: number }
  | { kind: "token"; id: string; secret?: never };
