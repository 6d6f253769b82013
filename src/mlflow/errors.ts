/**
 * MLflow's error shape: `{"error_code": "<databricks ErrorCode name>", "message": "..."}`.
 *
 * The MLflow Python client (2.12) turns the body into an `MlflowException` with
 * `ErrorCode.Value(error_code)`, so every code here must be a name of MLflow's `ErrorCode` enum, and
 * a 5xx status makes the client retry, so refusals are never 5xx. The status of each code follows
 * MLflow's server (RESOURCE_DOES_NOT_EXIST → 404, RESOURCE_ALREADY_EXISTS and
 * INVALID_PARAMETER_VALUE → 400); codes MLflow never answers with for the registry use the status
 * their name implies.
 */
import { ApiError, type ErrorCode } from "../lib/problem";

export const MLFLOW_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_CONFLICT: 409,
  INTERNAL_ERROR: 500,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_STATUS;

export class MlflowError extends Error {
  readonly errorCode: MlflowErrorCode;
  readonly status: (typeof MLFLOW_STATUS)[MlflowErrorCode];

  constructor(errorCode: MlflowErrorCode, message: string) {
    super(message);
    this.name = "MlflowError";
    this.errorCode = errorCode;
    this.status = MLFLOW_STATUS[errorCode];
  }
}

/** What a request was about, so messages read like MLflow's own. */
export interface Subject {
  name?: string | undefined;
  version?: number | string | undefined;
  alias?: string | undefined;
}

export const modelNotFound = (name: string) =>
  new MlflowError("RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`);

export const versionNotFound = (name: string, version: number | string) =>
  new MlflowError("RESOURCE_DOES_NOT_EXIST", `Model Version (name=${name}, version=${version}) not found`);

/** MLflow answers a missing alias with 400, not 404 (recorded from MLflow 2.12.2). */
export const aliasNotFound = (alias: string) =>
  new MlflowError("INVALID_PARAMETER_VALUE", `Registered model alias ${alias} not found.`);

export const modelExists = (name: string) =>
  new MlflowError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${name}) already exists.`);

export const missingParameter = (name: string) =>
  new MlflowError(
    "INVALID_PARAMETER_VALUE",
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
  );

export const invalidParameter = (message: string) => new MlflowError("INVALID_PARAMETER_VALUE", message);

/** Our error codes in MLflow's terms: not-found codes get MLflow's wording for the subject. */
export function fromCode(code: ErrorCode, detail: string, subject: Subject = {}): MlflowError {
  const { name, version, alias } = subject;
  switch (code) {
    case "MODEL_NOT_FOUND":
      return name ? modelNotFound(name) : new MlflowError("RESOURCE_DOES_NOT_EXIST", detail);
    case "VERSION_NOT_FOUND":
      return name && version !== undefined
        ? versionNotFound(name, version)
        : new MlflowError("RESOURCE_DOES_NOT_EXIST", detail);
    case "ALIAS_NOT_FOUND":
      return alias ? aliasNotFound(alias) : invalidParameter(detail);
    case "MODEL_ALREADY_EXISTS":
      return name ? modelExists(name) : new MlflowError("RESOURCE_ALREADY_EXISTS", detail);
    case "UNAUTHENTICATED":
      return new MlflowError("CUSTOMER_UNAUTHORIZED", detail);
    case "PERMISSION_DENIED":
      return new MlflowError("PERMISSION_DENIED", detail);
    case "INTERNAL":
      return new MlflowError("INTERNAL_ERROR", detail);
    case "MALFORMED_JSON":
    case "INVALID_ENCODING":
      return new MlflowError("MALFORMED_REQUEST", detail);
    default:
      return byStatus(code, detail);
  }
}

/** Everything else by its HTTP meaning: conflicts stay 409, other refusals become 400. */
function byStatus(code: ErrorCode, detail: string): MlflowError {
  const status = new ApiError(code, detail).status as number;
  if (status === 404) return new MlflowError("RESOURCE_DOES_NOT_EXIST", detail);
  if (status === 403) return new MlflowError("PERMISSION_DENIED", detail);
  // A stage change that waits for approvals is a permission question for the caller, not a clash.
  if ((code as string) === "APPROVAL_REQUIRED") {
    return new MlflowError("PERMISSION_DENIED", `${detail} (${code})`);
  }
  if (status === 409 || status === 412) return new MlflowError("RESOURCE_CONFLICT", `${detail} (${code})`);
  if (status >= 500) return new MlflowError("INTERNAL_ERROR", detail);
  return new MlflowError("INVALID_PARAMETER_VALUE", `${detail} (${code})`);
}

export function mlflowErrorResponse(error: MlflowError): Response {
  return new Response(JSON.stringify({ error_code: error.errorCode, message: error.message }), {
    status: error.status,
    headers: { "content-type": "application/json" },
  });
}
