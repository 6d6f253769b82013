/**
 * A refusal from the registry: the RFC 9457 problem+json body with the server's stable `code`.
 * Network failures after the last retry are problems too (status 0, code NETWORK), so callers
 * handle one error type.
 */
export interface ProblemField {
  path: string;
  message: string;
}

export class RegistryProblem extends Error {
  constructor(
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Stable error code (e.g. MODEL_NOT_FOUND); `HTTP_<status>` when the body was not problem+json. */
    readonly code: string,
    /** The server's explanation, without the method and path that `message` adds. */
    readonly detail: string,
    readonly errors: ProblemField[] = [],
    /** `METHOD path` of the request, for messages. */
    readonly request = "",
  ) {
    super(request ? `${request}: ${detail}` : detail);
    this.name = "RegistryProblem";
  }
}

/** Reads a failed response into a RegistryProblem (the body is consumed). */
export async function problemFrom(request: string, response: Response): Promise<RegistryProblem> {
  const text = await response.text();
  return problemFromBody(request, response, text);
}

/** The same from a body that was already read (openapi-fetch parses error bodies itself). */
export function problemFromBody(request: string, response: Response, body: unknown): RegistryProblem {
  let problem: unknown = body;
  if (typeof body === "string") {
    try {
      problem = JSON.parse(body);
    } catch {
      problem = undefined;
    }
  }
  if (problem && typeof problem === "object" && "code" in problem) {
    const p = problem as { code?: unknown; detail?: unknown; errors?: unknown };
    return new RegistryProblem(
      response.status,
      String(p.code),
      typeof p.detail === "string" ? p.detail : response.statusText,
      Array.isArray(p.errors) ? (p.errors as ProblemField[]) : [],
      request,
    );
  }
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  return new RegistryProblem(
    response.status,
    `HTTP_${response.status}`,
    `${response.status} ${text.slice(0, 200)}`.trim(),
    [],
    request,
  );
}
