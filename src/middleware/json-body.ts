import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import { createMiddleware } from "hono/factory";
import { exceedsDepth } from "../domain/json-depth";
import { LIMITS } from "../domain/limits";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Guards JSON request bodies before validation: size (413), media type (415), strict UTF-8 and
 * well-formed JSON (400). The parsed body is cached by Hono for the validator that follows.
 */
const parseJson = createMiddleware<AppEnv>(async (c, next) => {
  if (!["POST", "PUT", "PATCH"].includes(c.req.method)) return next();
  const type = c.req.header("content-type") ?? "";
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength === 0) return next();
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "send the body as Content-Type: application/json");
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ApiError("INVALID_ENCODING", "the body is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError("MALFORMED_JSON", `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (exceedsDepth(parsed, LIMITS.jsonBodyDepth)) {
    throw new ApiError(
      "INVALID_ARGUMENT",
      `JSON bodies may nest at most ${LIMITS.jsonBodyDepth} levels deep`,
    );
  }
  return next();
});

export const jsonBody = every(
  bodyLimit({
    maxSize: LIMITS.jsonBodyBytes,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `JSON bodies are limited to ${LIMITS.jsonBodyBytes} bytes`);
    },
  }),
  parseJson,
);
