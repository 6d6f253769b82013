/**
 * The registry side of the reference serving node, on the typed client: resolve with ETag,
 * fetch a file through the chunk cache (only chunks the node lacks cross the network; the whole
 * file is hashed against its manifest digest), report what was loaded. Carries the D1 session
 * bookmark from response to request, so after its own report it never reads an older state.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { RegistryClient, Schemas } from "../../client";
import { assembleFromRecipe, fetchRecipe } from "../chunk-cache";
import { type Connection, registry } from "../http";
import { IntegrityError } from "../integrity-error";

export type Resolution = Schemas["Resolution"];
export type DeploymentReport = Schemas["DeploymentReport"];

export interface FileTraffic {
  downloaded: number;
  reused: number;
  /** The chunk digests the file is made of (a file stored whole: itself). */
  chunks: string[];
}

export class SyncClient {
  readonly client: RegistryClient;
  #bookmark: string | null = null;

  constructor(readonly conn: Connection) {
    this.client = registry(conn);
    this.client.api.use({
      onRequest: ({ request }) => {
        if (this.#bookmark) request.headers.set("x-d1-bookmark", this.#bookmark);
        return request;
      },
      onResponse: ({ response }) => {
        const bookmark = response.headers.get("x-d1-bookmark");
        if (bookmark) this.#bookmark = bookmark;
        return response;
      },
    });
  }

  /** One poll: null on 304 (the pointer has not moved), else the new resolution and its ETag. */
  async resolve(name: string, alias: string, etag: string | null, nodeId: string | undefined) {
    // With the node id, an active rollout of the alias answers this node the canary or the stable version.
    const poll = await this.client.pollResolve(name, { alias, ...(nodeId ? { node_id: nodeId } : {}) }, etag);
    return poll.changed ? { etag: poll.etag, resolution: poll.resolution } : null;
  }

  /**
   * Writes `file` to `dest`, verified. A file stored in chunks is assembled from the chunk cache
   * (`cacheDir`), downloading only the chunks missing there; a file stored whole streams straight
   * to `dest` (caching it as a chunk too would only store it twice).
   */
  async fetchFile(file: Resolution["files"][number], dest: string, cacheDir: string): Promise<FileTraffic> {
    const recipe = await fetchRecipe(this.conn, file.digest);
    const chunks = recipe.chunks.map((c) => c.digest);
    if (recipe.chunks.length === 1 && chunks[0] === file.digest) {
      await this.#download(file, dest);
      return { downloaded: file.size, reused: 0, chunks: [] };
    }
    const used = await assembleFromRecipe(this.conn, file, recipe, dest, cacheDir, () => {});
    return { ...used, chunks };
  }

  /** Streams a whole file while hashing it; throws unless size and SHA-256 match the manifest. */
  async #download(file: Resolution["files"][number], dest: string): Promise<void> {
    const response = await this.client.raw("GET", file.url);
    if (!response.body) throw new IntegrityError(`${file.path}: the server sent no body`);
    const hash = createHash("sha256");
    const handle = await open(dest, "w");
    let size = 0;
    try {
      for await (const chunk of response.body) {
        hash.update(chunk);
        size += chunk.byteLength;
        if (size > file.size)
          throw new IntegrityError(`${file.path}: more bytes than the manifest's ${file.size}`);
        await handle.write(chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const digest = `sha256:${hash.digest("hex")}`;
    if (digest !== file.digest || size !== file.size) {
      throw new IntegrityError(
        `${file.path}: got ${digest} (${size} bytes), the manifest says ${file.digest} (${file.size})`,
      );
    }
  }

  /** POST /models/{name}/deployments; the registry's view of this node (drift, expected version). */
  report(name: string, body: DeploymentReport) {
    return this.client.post("/api/v1/models/{name}/deployments", { params: { path: { name } }, body });
  }
}
