import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "../env";
import { ApiError, type FieldError } from "./problem";

/** Zod issues as `{path, message}` pairs, paths dotted (`files.3.path`), prefixed by where they came from. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
  const at = (segments: PropertyKey[]) =>
    [target === "json" ? "" : target, ...segments.map(String)].filter(Boolean).join(".") || target;
  return error.issues.flatMap((issue) =>
    // Unknown fields are reported on their parent; name each field instead.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: "unknown field" }))
      : [{ path: at(issue.path), message: issue.message }],
  );
}

/** An OpenAPIHono router whose validation failures render as problem+json like every other error. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error as ZodError, result.target);
        const summary = errors
          .slice(0, 3)
          .map((e) => `${e.path}: ${e.message}`)
          .join("; ");
        throw new ApiError("INVALID_ARGUMENT", `invalid ${result.target}: ${summary}`, errors);
      }
    },
  });
}
