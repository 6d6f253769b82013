/**
 * How often and how patiently a webhook delivery is retried. Configured by Worker vars so tests and
 * deployments can differ: `WEBHOOK_MAX_ATTEMPTS` (default 10) and `WEBHOOK_RETRY_BASE_SECONDS`
 * (default 15). Delays double per attempt (15 s, 30 s, 1 min … capped at 1 h; about 2 h in all
 * with the defaults) and are jittered so receivers coming back up are not hit by a thundering herd.
 */

export const MAX_DELAY_SECONDS = 3600;

export interface RetryPolicy {
  maxAttempts: number;
  baseSeconds: number;
}

export function retryPolicy(env: Env): RetryPolicy {
  const vars = env as unknown as Record<string, unknown>;
  return {
    maxAttempts: positiveInt(vars.WEBHOOK_MAX_ATTEMPTS, 10),
    baseSeconds: positiveInt(vars.WEBHOOK_RETRY_BASE_SECONDS, 15),
  };
}

/**
 * Seconds to wait after the `attempt`-th failure: base·2^(attempt−1), capped, then "equal jitter"
 * (between half and all of it), never below one second. `random` is injectable for tests.
 */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random = Math.random()): number {
  const exp = Math.min(MAX_DELAY_SECONDS, policy.baseSeconds * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return Math.max(1, Math.ceil(exp / 2 + random * (exp / 2)));
}

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
