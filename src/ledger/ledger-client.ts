import { forgetModel } from "../lib/alias-read-cache";
import { ApiError } from "../lib/problem";
import type { LedgerResult } from "./ledger-types";
import type { ModelLedger } from "./model-ledger";

/** The ledger instance that serialises changes to tokens (and other non-model records). */
export const SYSTEM_LEDGER = "__system__";

/**
 * The ledger's RPC methods with their declared types. Workers' RPC typing (`Rpc.Result`) widens
 * our free-form JSON fields (signature, model card) to `unknown`; the values are plain data that
 * structured clone carries unchanged, so the declared signatures are the true ones.
 */
type LedgerMethods = {
  [K in keyof ModelLedger as ModelLedger[K] extends (...args: never[]) => Promise<LedgerResult<unknown>>
    ? K
    : never]: ModelLedger[K];
};

/**
 * The stub of the one Durable Object that writes this model (`idFromName(name)`). When a call
 * answers, this isolate's cached alias reads of the model are dropped (read-your-writes for the
 * alias read cache, src/lib/alias-read-cache.ts): every change goes through here.
 */
export function ledgerFor(env: Env, name: string): LedgerMethods {
  const namespace = env.MODEL_LEDGER;
  const stub = namespace.get(namespace.idFromName(name)) as unknown as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  return new Proxy(
    {},
    {
      get(_, method) {
        // Not a thenable: `await ledgerFor(…)` must not look like a promise.
        if (typeof method !== "string" || method === "then") return undefined;
        return async (...args: unknown[]) => {
          try {
            return await stub[method]?.(...args);
          } finally {
            forgetModel(name);
          }
        };
      },
    },
  ) as LedgerMethods;
}

/** Unwraps a ledger result for the HTTP layer: errors become the ApiError that onError renders. */
export function unwrap<T>(result: LedgerResult<T>): T {
  if (!result.ok) throw new ApiError(result.code, result.detail, result.errors, result.extensions);
  return result.value;
}
