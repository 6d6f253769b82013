/**
 * Recursive-descent parser for the filter language:
 *
 *   filter     := ε | comparison ( AND comparison )*
 *   comparison := key operator value
 *   key        := part ( "." part )*          part := identifier | `back quoted`
 *   operator   := = | != | <> | < | <= | > | >= | LIKE | ILIKE | IN | NOT IN
 *   value      := 'string' | "string" | number | ( 'string' , … )   (a list only after IN)
 *
 * Keywords are case-insensitive. The result is type-checked against the endpoint's keys, so the
 * compiler never sees a comparison it cannot express with bound parameters.
 */
import type { Comparison, Filter, Op, OrderBy, Scope, Value } from "./ast";
import { FilterError } from "./errors";
import { checkComparison, resolveKey } from "./keys";
import { type Token, tokenize } from "./lexer";

export const MAX_COMPARISONS = 20;

class Cursor {
  #i = 0;
  constructor(readonly tokens: Token[]) {}
  get peek(): Token {
    return this.tokens[this.#i] as Token;
  }
  next(): Token {
    const token = this.peek;
    if (token.kind !== "eof") this.#i++;
    return token;
  }
  atEnd(): boolean {
    return this.peek.kind === "eof";
  }
  isKeyword(word: string): boolean {
    return this.peek.kind === "ident" && this.peek.text.toUpperCase() === word;
  }
}

const found = (t: Token) =>
  t.kind === "eof" ? "end of filter" : t.kind === "string" ? `the string '${t.text}'` : `'${t.text}'`;

export function parseFilter(input: string, scope: Scope): Filter {
  const cursor = new Cursor(tokenize(input));
  const comparisons: Comparison[] = [];
  if (cursor.atEnd()) return { comparisons };
  for (;;) {
    comparisons.push(parseComparison(cursor, scope));
    if (cursor.atEnd()) break;
    if (!cursor.isKeyword("AND"))
      throw new FilterError(cursor.peek.position, "AND or the end of the filter", found(cursor.peek));
    cursor.next();
    if (comparisons.length >= MAX_COMPARISONS) {
      throw new FilterError(cursor.peek.position, `at most ${MAX_COMPARISONS} comparisons`, "more");
    }
  }
  return { comparisons };
}

function parseKey(cursor: Cursor): { parts: string[]; position: number } {
  const first = cursor.next();
  if (first.kind !== "ident" && first.kind !== "quoted-ident") {
    throw new FilterError(first.position, "a key such as name, tags.team or metrics.auc", found(first));
  }
  const parts = [first.text];
  while (cursor.peek.kind === "dot") {
    cursor.next();
    const part = cursor.next();
    if (part.kind !== "ident" && part.kind !== "quoted-ident") {
      throw new FilterError(
        part.position,
        "a key name after '.' (use `back quotes` for unusual names)",
        found(part),
      );
    }
    parts.push(part.text);
  }
  return { parts, position: first.position };
}

function parseOperator(cursor: Cursor): Op {
  const token = cursor.next();
  if (token.kind === "op") return token.text as Op;
  if (token.kind === "ident") {
    const word = token.text.toUpperCase();
    if (word === "LIKE" || word === "ILIKE" || word === "IN") return word;
    if (word === "NOT" && cursor.isKeyword("IN")) {
      cursor.next();
      return "NOT IN";
    }
  }
  throw new FilterError(
    token.position,
    "an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)",
    found(token),
  );
}

function parseValue(cursor: Cursor, op: Op): Value {
  const token = cursor.next();
  if (op === "IN" || op === "NOT IN") {
    if (token.kind !== "lparen")
      throw new FilterError(token.position, "'(' starting a list of quoted strings", found(token));
    const values: string[] = [];
    for (;;) {
      const item = cursor.next();
      if (item.kind !== "string") throw new FilterError(item.position, "a quoted string", found(item));
      values.push(item.text);
      const sep = cursor.next();
      if (sep.kind === "rparen") break;
      if (sep.kind !== "comma") throw new FilterError(sep.position, "',' or ')'", found(sep));
    }
    if (values.length > 50)
      throw new FilterError(token.position, "at most 50 values in a list", `${values.length}`);
    return { kind: "list", values };
  }
  if (token.kind === "string") return { kind: "string", value: token.text };
  if (token.kind === "number") {
    const value = Number(token.text);
    if (Number.isFinite(value)) return { kind: "number", value };
  }
  throw new FilterError(token.position, "a quoted string or a number", found(token));
}

function parseComparison(cursor: Cursor, scope: Scope): Comparison {
  const { parts, position } = parseKey(cursor);
  const term = resolveKey(scope, parts, position);
  const op = parseOperator(cursor);
  const valuePosition = cursor.peek.position;
  const value = parseValue(cursor, op);
  return checkComparison({ term, op, value, position }, valuePosition);
}

/**
 * `order_by`: up to three comma-separated keys, each `name | version_number | created_at |
 * updated_at | metrics.<name>` with an optional ASC/DESC (default ASC).
 */
export function parseOrderBy(input: string, scope: Scope): OrderBy[] {
  const cursor = new Cursor(tokenize(input));
  const orders: OrderBy[] = [];
  while (!cursor.atEnd()) {
    const { parts, position } = parseKey(cursor);
    const term = resolveKey(scope, parts, position);
    let key: OrderBy["key"] | null = null;
    if (term.kind === "metric" && !term.slice) key = { kind: "metric", name: term.name };
    else if (
      term.kind === "attribute" &&
      ["name", "version_number", "created_at", "updated_at"].includes(term.name)
    ) {
      key = term as OrderBy["key"];
    }
    if (!key)
      throw new FilterError(
        position,
        "an orderable key: name, version_number, created_at, updated_at or metrics.<name>",
        `'${parts.join(".")}'`,
      );
    let descending = false;
    if (cursor.isKeyword("ASC") || cursor.isKeyword("DESC"))
      descending = cursor.next().text.toUpperCase() === "DESC";
    orders.push({ key, descending });
    if (cursor.atEnd()) break;
    const sep = cursor.next();
    if (sep.kind !== "comma") throw new FilterError(sep.position, "ASC, DESC, ',' or the end", found(sep));
    if (orders.length >= 3) throw new FilterError(sep.position, "at most 3 order_by keys", "more");
  }
  return orders;
}
