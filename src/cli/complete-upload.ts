/**
 * Completing a multipart upload. The server verifies the whole object (SHA-256 over every byte) and
 * copies it before it answers, which for GBs can outlast an HTTP client's patience or a proxy's.
 * Completion is idempotent on the server: a second call while the first runs gets 409
 * CONCURRENT_MODIFICATION, one after it gets the result. So a lost answer is not a failure: watch
 * the upload's state until the first call has finished, then ask again or take its result.
 */

import { type Connection, RegistryError, registry, sleep } from "./http";

const RETRYABLE = (e: unknown) =>
  e instanceof RegistryError &&
  (e.code === "NETWORK" || e.code === "CONCURRENT_MODIFICATION" || e.status === 429 || e.status >= 500);

export async function completeUpload(
  conn: Connection,
  id: string,
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<{ digest: string; size: number }> {
  const params = { path: { id } };
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60 * 1000);
  for (;;) {
    try {
      // Not retried by the client (a POST without a key): this loop is the retry, aware of "completing".
      return await registry(conn).post("/api/v1/uploads/{id}/complete", { params });
    } catch (error) {
      if (!RETRYABLE(error) || Date.now() > deadline) throw error;
    }
    let status: Awaited<ReturnType<typeof uploadStatus>>;
    do {
      await sleep(options.pollMs ?? 1000);
      status = await uploadStatus(conn, id);
    } while (status.state === "completing" && Date.now() < deadline);
    if (status.state === "completed") return { digest: status.digest, size: status.size };
    if (status.state !== "open" && status.state !== "completing") {
      // The server's own verification refused the bytes; its first answer said why.
      throw new RegistryError(422, "DIGEST_MISMATCH", `upload ${id} ended ${status.state} during completion`);
    }
  }
}

const uploadStatus = (conn: Connection, id: string) =>
  registry(conn).get("/api/v1/uploads/{id}", { params: { path: { id } }, retries: 5 });
