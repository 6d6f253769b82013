/**
 * The CLI's way to the registry: the typed client (src/client, `edge-model-registry/client`), one
 * per connection. Failures are `RegistryProblem`s with the server's stable `code` (the CLI calls
 * them RegistryError); safe requests are retried with backoff by the client.
 */
import { createRegistryClient, type RegistryClient } from "../client";
import { digestHex } from "./hash";

export { encodePath, RegistryProblem as RegistryError, sleep } from "../client";

export interface Connection {
  /** Base URL of the server, e.g. http://localhost:8787 (the API lives under /api/v1). */
  url: string;
  token?: string;
  /** Aborts every request of this connection (a serving node stopping mid-download). */
  signal?: AbortSignal;
}

const clients = new WeakMap<Connection, RegistryClient>();

/** The typed client for this connection (made once, so its settings hold for every call). */
export function registry(conn: Connection): RegistryClient {
  let client = clients.get(conn);
  if (!client) {
    client = createRegistryClient({ url: conn.url, token: conn.token, retries: 3, signal: conn.signal });
    clients.set(conn, client);
  }
  return client;
}

/** Path of a blob's bytes, for `registry(conn).raw` (bodies openapi-fetch would buffer or parse). */
export const blobPath = (digest: string) => `/api/v1/blobs/sha256:${digestHex(digest)}`;
