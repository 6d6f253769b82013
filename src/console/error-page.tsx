/** Errors on console pages render as pages (with the registry's error code), not problem+json. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";
import { renderPage } from "./layout";

export function ErrorPanel({ error }: { error: ApiError }) {
  return (
    <div class="flash error" role="alert">
      <strong>{error.status === 404 ? "Not found." : "That did not work."}</strong> {error.message}{" "}
      <span class="muted">({error.code})</span>
    </div>
  );
}

export function renderConsoleError(error: Error, c: Context<AppEnv>) {
  if (error instanceof HTTPException) return error.getResponse();
  if (!(error instanceof ApiError)) {
    console.error(`console request ${c.get("requestId")} failed`, error);
  }
  const known =
    error instanceof ApiError
      ? error
      : new ApiError("INTERNAL", `internal error; quote request id ${c.get("requestId")}`);
  c.status(known.status);
  return renderPage(
    c,
    <>
      <h1>{known.status === 404 ? "Not found" : "Something went wrong"}</h1>
      <ErrorPanel error={known} />
      <p>
        <a href="/">Back to the models</a>
      </p>
    </>,
    { title: known.status === 404 ? "Not found" : "Error" },
  );
}
