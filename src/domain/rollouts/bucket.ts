/**
 * Which nodes are on a rollout's canary. Pure (no I/O besides the digest).
 *
 * A node's bucket is a stable hash of (model, alias, node id) in [0, 10000); the canary serves the
 * buckets below weight x 100. The bucket never depends on the weight, so raising the weight only
 * adds nodes (10% → 50% keeps the first 10% on the canary), and the same node always gets the same
 * answer for the same weight: no node flips back and forth between polls.
 */

export const BUCKETS = 10_000;

/**
 * SHA-256 of `model \n alias \n node`, its first four bytes as an unsigned integer, modulo 10000.
 * None of the three may contain a newline (their patterns forbid it), so the key is unambiguous;
 * a cryptographic hash spreads similar node ids (`fra-gpu-07`, `fra-gpu-08`) evenly, and the modulo
 * bias of 2^32 over 10^4 is below 10^-5.
 */
export async function nodeBucket(model: string, alias: string, nodeId: string): Promise<number> {
  const key = new TextEncoder().encode(`${model}\n${alias}\n${nodeId}`);
  const digest = new DataView(await crypto.subtle.digest("SHA-256", key));
  return digest.getUint32(0) % BUCKETS;
}

/** Whether a bucket is on the canary at this weight (percent, 0..100). */
export function onCanary(bucket: number, weight: number): boolean {
  return bucket < weight * (BUCKETS / 100);
}
