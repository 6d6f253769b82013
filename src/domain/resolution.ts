/**
 * The answer a serving node polls for: which version to run and its files. Pure: no I/O.
 */

/**
 * Strong ETag of a resolution: the manifest digest (what bytes to run) and the version number (what
 * the registry calls them). Either changing means there is something new to load or report; neither
 * changing means a poller gets 304 and does nothing.
 */
export function resolutionEtag(manifestDigest: string, version: number): string {
  return `"${manifestDigest.replace(/^sha256:/, "")}.${version}"`;
}

/** Where a node downloads a file's bytes: the content-addressed blob, the same for every version. */
export function blobPath(digest: string): string {
  return `/api/v1/blobs/${digest}`;
}
