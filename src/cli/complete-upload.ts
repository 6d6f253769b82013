/**
 * Completing a multipart upload. The server verifies the whole object (SHA-256 over every byte) and
 * copies it before it answers, which for GBs can outlast an HTTP client's patience or a proxy's.
 * Completion is idempotent on the server: a second call while the first runs gets 409
 * CONCURRENT_MODIFICATION, one after it gets the result. So a lost answer is not a failure: watch
 * the upload's state until the first call has finished, then ask again or take its result.
 */

import { type Connection, RegistryError, requestJson, sleep } from "./http";

interface UploadStatus {
  state: "open" | "completing" | "completed" | "failed" | "aborted";
  digest: string;
  size: number;
}

const RETRYABLE = (e: unknown) =>
  e instanceof RegistryError &&
  (e.code === "NETWORK" || e.code === "CONCURRENT_MODIFICATION" || e.status === 429 || e.status >= 500);

export async function completeUpload(
  conn: Connection,
  id: string,
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<{ digest: string; size: number }> {
  const path = `/uploads/${encodeURIComponent(id)}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60 * 1000);
  for (;;) {
    try {
      return await requestJson<{ digest: string; size: number }>(conn, "POST", `${path}/complete`);
    } catch (error) {
      if (!RETRYABLE(error) || Date.now() > deadline) throw error;
    }
    let status: UploadStatus;
    do {
      await sleep(options.pollMs ?? 1000);
      status = await requestJson<UploadStatus>(conn, "GET", path, { retries: 5 });
    } while (status.state === "completing" && Date.now() < deadline);
    if (status.state === "completed") return { digest: status.digest, size: status.size };
    if (status.state !== "open" && status.state !== "completing") {
      // The server's own verification refused the bytes; its first answer said why.
      throw new RegistryError(422, "DIGEST_MISMATCH", `upload ${id} ended ${status.state} during completion`);
    }
  }
}
