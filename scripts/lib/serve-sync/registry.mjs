// The registry side of the reference serving node: resolve with ETag, download a blob with its
// digest checked while streaming, report what was loaded. Carries the D1 session bookmark from
// response to request, so after its own report it never reads an older state of the registry.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

export class RegistryClient {
  /** @param {{ url: string, token: string, signal: AbortSignal }} options */
  constructor({ url, token, signal }) {
    this.url = url.replace(/\/+$/, "");
    this.token = token;
    this.signal = signal;
    /** @type {string | null} */
    this.bookmark = null;
  }

  #headers(extra = {}) {
    return {
      authorization: `Bearer ${this.token}`,
      ...(this.bookmark ? { "x-d1-bookmark": this.bookmark } : {}),
      ...extra,
    };
  }

  #remember(res) {
    const bookmark = res.headers.get("x-d1-bookmark");
    if (bookmark) this.bookmark = bookmark;
  }

  async #fail(res, what) {
    let detail = "";
    try {
      const problem = await res.json();
      detail = `${problem.code}: ${problem.detail}`;
    } catch {
      detail = res.statusText;
    }
    throw new Error(`${what} failed: ${res.status} ${detail}`);
  }

  /**
   * GET /models/{name}/resolve. Returns null on 304 (the pointer has not moved), else
   * `{ etag, resolution }`.
   */
  async resolve(name, alias, etag, nodeId) {
    // With the node id, an active rollout of the alias answers this node the canary or the stable version.
    const node = nodeId ? `&node_id=${encodeURIComponent(nodeId)}` : "";
    const res = await fetch(
      `${this.url}/api/v1/models/${encodeURIComponent(name)}/resolve?alias=${encodeURIComponent(alias)}${node}`,
      { headers: this.#headers(etag ? { "if-none-match": etag } : {}), signal: this.signal },
    );
    this.#remember(res);
    if (res.status === 304) return null;
    if (!res.ok) await this.#fail(res, "resolve");
    return { etag: res.headers.get("etag"), resolution: await res.json() };
  }

  /**
   * Streams a blob to `dest` while hashing it; throws (leaving `dest` for the caller to delete)
   * unless the bytes have exactly the expected SHA-256 and size.
   */
  async download(file, dest) {
    const res = await fetch(`${this.url}${file.url}`, { headers: this.#headers(), signal: this.signal });
    if (!res.ok || !res.body) await this.#fail(res, `download of ${file.path}`);
    const hash = createHash("sha256");
    const handle = await open(dest, "w");
    let size = 0;
    try {
      for await (const chunk of res.body) {
        hash.update(chunk);
        size += chunk.byteLength;
        if (size > file.size) throw new Error(`${file.path}: more bytes than the manifest's ${file.size}`);
        await handle.write(chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const digest = `sha256:${hash.digest("hex")}`;
    if (digest !== file.digest || size !== file.size) {
      throw new Error(
        `${file.path}: got ${digest} (${size} bytes), the manifest says ${file.digest} (${file.size})`,
      );
    }
  }

  /** POST /models/{name}/deployments; returns the registry's view of this node (drift, expected). */
  async report(name, body) {
    const res = await fetch(`${this.url}/api/v1/models/${encodeURIComponent(name)}/deployments`, {
      method: "POST",
      headers: this.#headers({ "content-type": "application/json" }),
      body: JSON.stringify(body),
      signal: this.signal,
    });
    this.#remember(res);
    if (!res.ok) await this.#fail(res, "report");
    return res.json();
  }
}
