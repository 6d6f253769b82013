/** True when D1 answers a trivial query. */
export async function d1Reachable(d1: D1Database): Promise<boolean> {
  return d1
    .prepare("select 1")
    .first()
    .then(() => true)
    .catch(() => false);
}
