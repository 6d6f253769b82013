import { z } from "@hono/zod-openapi";
import { errorResponses, ProblemSchema } from "../../schemas/common";

const problem = { "application/problem+json": { schema: ProblemSchema } };

/** Download headers, shared with the file routes. */
export const downloadResponses = {
  200: {
    description: "The bytes. `ETag` is the digest, `Repr-Digest` its RFC 9530 form; `Accept-Ranges: bytes`.",
    content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
  },
  206: { description: "One byte range (`Range: bytes=a-b`, `a-` or `-n`)" },
  304: { description: "If-None-Match matched the digest" },
  416: {
    description: "Unsatisfiable, malformed or multiple ranges (one range per request)",
    content: problem,
  },
  ...errorResponses,
} as const;
