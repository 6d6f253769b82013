/** Turns filter / order_by query text into ASTs, or a 400 INVALID_FILTER that says where and why. */
import type { Filter, OrderBy, Scope } from "../../domain/filter/ast";
import { FilterError } from "../../domain/filter/errors";
import { parseFilter, parseOrderBy } from "../../domain/filter/parser";
import { ApiError } from "../../lib/problem";

function rethrow(error: unknown, param: string, text: string): never {
  if (!(error instanceof FilterError)) throw error;
  const pointer = `${text}\n${" ".repeat(error.position)}^`;
  throw new ApiError("INVALID_FILTER", `${param} ${error.message}\n${pointer}`, [
    { path: `query.${param}`, message: error.message },
  ]);
}

export function parseFilterQuery(text: string | undefined, scope: Scope): Filter {
  try {
    return parseFilter(text ?? "", scope);
  } catch (error) {
    rethrow(error, "filter", text ?? "");
  }
}

export function parseOrderQuery(text: string | undefined, scope: Scope): OrderBy[] {
  try {
    return parseOrderBy(text ?? "", scope);
  } catch (error) {
    rethrow(error, "order_by", text ?? "");
  }
}
