/**
 * MLflow's `filter` strings through the registry's one filter language (src/domain/filter: MLflow's
 * search syntax, and more — stage, alias, metrics). Only the errors differ: MLflow clients get
 * MLflow's INVALID_PARAMETER_VALUE wording, including the recorded "Invalid attribute key" message.
 */
import type { Filter, Scope } from "../domain/filter/ast";
import { FilterError } from "../domain/filter/errors";
import { parseFilter } from "../domain/filter/parser";
import { invalidParameter, type MlflowError } from "./errors";

/** The keys MLflow itself names in its error message (2.12.2), per endpoint. */
const MLFLOW_KEYS: Record<Scope, string> = {
  versions: "'version_number', 'run_id', 'name', 'source_path'",
  models: "'name'",
};

function toMlflowError(input: string, scope: Scope, error: FilterError): MlflowError {
  if (
    error.expected.startsWith("one of ") &&
    /^'.*'$/.test(error.found) &&
    !error.expected.includes(" for ")
  ) {
    return invalidParameter(
      `Invalid attribute key ${error.found} specified. Valid keys are '{${MLFLOW_KEYS[scope]}}'`,
    );
  }
  return invalidParameter(`Invalid filter '${input}': ${error.message}`);
}

export function parseMlflowFilter(input: string | undefined, scope: Scope): Filter {
  try {
    return parseFilter(input ?? "", scope);
  } catch (error) {
    if (error instanceof FilterError) throw toMlflowError(input ?? "", scope, error);
    throw error;
  }
}
