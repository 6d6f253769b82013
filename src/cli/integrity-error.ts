/** The error a corrupted or truncated download raises; it names the file. */
export class IntegrityError extends Error {
  override name = "IntegrityError";
}
