/**
 * One signed HTTP POST to a receiver. Bounded in every direction: a 10 s timeout, at most 4 KiB of
 * the response read (kept for the delivery log), redirects not followed (a 3xx could point anywhere,
 * including addresses the URL check refused).
 */
import type { EventEnvelope } from "./envelope";
import { signedHeaders } from "./signature";

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_READ_LIMIT = 4096;

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

export async function postWebhook(
  url: string,
  secret: string,
  event: EventEnvelope,
  now = Date.now(),
): Promise<PostResult> {
  const body = JSON.stringify(event);
  const headers = await signedHeaders(secret, event.id, Math.floor(now / 1000), body);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "edge-model-registry-webhooks/1",
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await readAtMost(response, RESPONSE_READ_LIMIT);
    const latencyMs = Math.round(performance.now() - started);
    const ok = response.status >= 200 && response.status < 300;
    const error = ok
      ? null
      : response.status >= 300 && response.status < 400
        ? `HTTP ${response.status}: redirects are not followed`
        : `HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ""}`;
    return { ok, statusCode: response.status, error, latencyMs };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const message = timedOut
      ? `timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`
      : String(error instanceof Error ? error.message : error);
    return { ok: false, statusCode: null, error: message.slice(0, 500), latencyMs };
  }
}

/** Reads up to `limit` bytes of the body and cancels the rest (a receiver may stream forever). */
async function readAtMost(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
