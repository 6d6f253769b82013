/**
 * Errors as RFC 9457 problem details. Domain code and the ledger speak in `ErrorCode`s only;
 * this module is the one place that maps a code to an HTTP status.
 */

export const ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  MALFORMED_JSON: 400,
  INVALID_ENCODING: 400,
  INVALID_PAGE_TOKEN: 400,
  INVALID_FILTER: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  ALIAS_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  MODEL_ALREADY_EXISTS: 409,
  MODEL_HAS_ACTIVE_VERSIONS: 409,
  CONCURRENT_MODIFICATION: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RESERVED_ALIAS: 422,
  ILLEGAL_TRANSITION: 409,
  APPROVAL_REQUIRED: 409,
  APPROVAL_NOT_PENDING: 409,
  APPROVAL_ALREADY_PENDING: 409,
  ALREADY_VOTED: 409,
  NO_PREVIOUS_PRODUCTION: 409,
  REVIEW_NOT_NEEDED: 409,
  GATE_FAILED: 422,
  SELF_APPROVAL: 403,
  APPROVAL_REQUEST_NOT_FOUND: 404,
  // ---- artifact store (issue #3) ----
  BLOB_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  BLOB_MISSING: 409,
  UPLOAD_INCOMPLETE: 409,
  UPLOAD_CLOSED: 409,
  LENGTH_REQUIRED: 411,
  RANGE_NOT_SATISFIABLE: 416,
  DIGEST_MISMATCH: 422,
  BLOB_SIZE_MISMATCH: 422,
  PART_SIZE_MISMATCH: 422,
  // ---- events and webhooks (issue #5) ----
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  WEBHOOK_URL_REFUSED: 422,
  WEBHOOK_LIMIT_REACHED: 409,
  // ---- retention (issue #6) ----
  RETENTION_NOT_ELIGIBLE: 409,
  ARTIFACTS_PURGED: 410,
  // ---- hardening (issue 15) ----
  SCOPE_WIDENING: 403,
  URI_TOO_LONG: 414,
  PRINCIPAL_NOT_FOUND: 404,
  PRINCIPAL_EXISTS: 409,
  // ---- progressive rollouts (issue 18) ----
  ROLLOUT_NOT_FOUND: 404,
  ROLLOUT_ALREADY_ACTIVE: 409,
  ROLLOUT_NOT_ACTIVE: 409,
  ROLLOUT_SAME_VERSION: 409,
  ROLLOUT_NOT_DUE: 409,
  ROLLOUT_GUARDS_UNDECIDED: 409,
  ROLLOUT_IN_PROGRESS: 409,
  // ---- adoption: imports under original version numbers (issue 17) ----
  VERSION_EXISTS: 409,
  VERSION_NUMBER_TAKEN: 409,
  AUDIT_CHAIN_BROKEN: 422,
  // ---- chunked files (issue 16) ----
  VERSION_NOT_READY: 409,
  INTERNAL: 500,
  // ---- governance and lineage, complete (issue #19) ----
  DATASET_NOT_FOUND: 404,
  DATASET_ALREADY_EXISTS: 409,
  DATASET_NOT_REGISTERED: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface FieldError {
  path: string;
  message: string;
}

/** The problem+json body. `code` is stable and documented; `title` is its human name. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  request_id?: string;
  /** Code-specific members (RFC 9457 extensions), e.g. `failed_gates` for GATE_FAILED. */
  [extension: string]: unknown;
}

/** The one error class the HTTP layer throws; `onError` renders it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, errors?: FieldError[], extensions?: Record<string, unknown>) {
    super(detail);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = errors;
    this.extensions = extensions;
  }
}

const title = (code: ErrorCode) =>
  code
    .toLowerCase()
    .split("_")
    .map((w, i) => (i === 0 ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(" ");

export function toProblem(error: ApiError, requestId?: string): Problem {
  return {
    ...error.extensions,
    type: `https://registry.dev/problems/${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: title(error.code),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { request_id: requestId } : {}),
  };
}

export function problemResponse(error: ApiError, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: error.status,
    headers: { "content-type": "application/problem+json" },
  });
}
