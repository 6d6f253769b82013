import { api, json } from "../support/api";

/** Every call made through `mlflow()` in this test file, for the recorded-shape comparison. */
export const callLog: { method: string; endpoint: string; status: number; body: unknown }[] = [];

/** Calls the MLflow API the way MLflow's client does: GET with a query string, the rest with JSON. */
export async function mlflow(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  endpoint: string,
  params: Record<string, unknown> = {},
  token?: string | null,
) {
  const path = `/api/2.0/mlflow/${endpoint}`;
  const response =
    method === "GET"
      ? await api("GET", `${path}?${new URLSearchParams(params as Record<string, string>)}`, { token })
      : await api(method, path, { body: params, token });
  const text = await response.text();
  callLog.push({ method, endpoint, status: response.status, body: text ? JSON.parse(text) : null });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers; the tests check them field by field
    body: (text ? JSON.parse(text) : null) as Record<string, any>,
  };
}

export { json };
