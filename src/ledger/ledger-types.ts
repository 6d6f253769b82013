import type { Statement } from "../db/client";
import type { ModelRow } from "../db/repos/models-repo";
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
  /**
   * The caller's model-name scopes (null = every model). System changes (tokens, webhooks) check
   * them so nothing a caller creates or touches reaches beyond them (invariant 9). Omitted = unscoped.
   */
  scopes?: string[] | null | undefined;
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
  /**
   * The model's highest version number once this change lands (registrations set it), so a change
   * decided after it in the same group commit numbers on from it (see ChangeWriter.headModel).
   */
  lastVersion?: number;
  /**
   * The chain head the change's own statements leave behind (a restore writes a whole chain): the
   * change's audit entry links to it instead of to the head read before the batch.
   */
  chainHead?: { seq: number; hash: string };
  /**
   * The model row exactly as this change's statements leave it (issue 13's head state): the ledger
   * decides the next change against it without reading D1. Omitted = the row may have changed in
   * ways the change does not say, and the ledger reads it again.
   */
  model?: ModelRow;
  /**
   * What a group-committed change read and wrote, as keys within its model (`alias:<a>`,
   * `version:<n>`, `production`): a change whose keys meet an earlier one's in the same group is
   * decided again after that group's batch landed (see ChangeWriter). Only grouped changes need them.
   */
  conflicts?: string[];
  /**
   * The alias this change moves (a version) or deletes (null), for the ledger's alias head state
   * (src/ledger/alias-head.ts). Any committed change without it makes the ledger forget that state.
   */
  aliasAfter?: { alias: string; version: number | null };
  /** Reference stored with an idempotency key, so a retry can answer the same resource. */
  ref?: IdempotentRef;
  /** Builds the response after the batch committed. */
  respond: () => Promise<T>;
}

/**
 * A decided change that writes nothing (a repeat, a no-op): the writer skips the batch, the audit
 * entry and the event, and only answers with `respond()`.
 */
export function nothingToWrite<T>(
  chain: string,
  modelName: string | null,
  respond: () => Promise<T>,
): Change<T> {
  return { statements: [], chain, modelName, action: "", target: "", before: null, after: null, respond };
}

export type IdempotentRef =
  | { kind: "model"; name: string }
  | { kind: "version"; name: string; version: number }
  | { kind: "token"; id: string; secret?: never };
