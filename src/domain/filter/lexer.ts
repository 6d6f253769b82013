/**
 * Tokens of the filter language (MLflow's search syntax). Hand-written so every error can say
 * exactly where it happened and what was expected there. Positions are 0-based character offsets.
 */
import { FilterError } from "./errors";

export type TokenKind =
  | "ident"
  | "quoted-ident"
  | "string"
  | "number"
  | "op"
  | "dot"
  | "comma"
  | "lparen"
  | "rparen"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** Decoded text: the identifier, the unescaped string, the operator in upper case. */
  text: string;
  position: number;
}

const OPERATORS = ["<=", ">=", "!=", "<>", "=", "<", ">"] as const;
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      const { text, end } = readQuoted(input, i, ch, "string");
      tokens.push({ kind: "string", text, position: start });
      i = end;
    } else if (ch === "`") {
      const { text, end } = readQuoted(input, i, ch, "backquoted key");
      if (text === "") throw new FilterError(start, "a non-empty key between backquotes", "``");
      tokens.push({ kind: "quoted-ident", text, position: start });
      i = end;
    } else if (IDENT_START.test(ch)) {
      while (i < input.length && IDENT_PART.test(input[i] as string)) i++;
      tokens.push({ kind: "ident", text: input.slice(start, i), position: start });
    } else if (startsNumber(input, i, tokens.at(-1))) {
      const match = NUMBER.exec(input.slice(i)) as RegExpExecArray;
      i += match[0].length;
      tokens.push({ kind: "number", text: match[0], position: start });
    } else if (ch === ".") {
      tokens.push({ kind: "dot", text: ".", position: i++ });
    } else if (ch === ",") {
      tokens.push({ kind: "comma", text: ",", position: i++ });
    } else if (ch === "(") {
      tokens.push({ kind: "lparen", text: "(", position: i++ });
    } else if (ch === ")") {
      tokens.push({ kind: "rparen", text: ")", position: i++ });
    } else {
      const op = OPERATORS.find((o) => input.startsWith(o, i));
      if (!op) throw new FilterError(start, "a key, an operator, a quoted string or a number", describe(ch));
      tokens.push({ kind: "op", text: op === "<>" ? "!=" : op, position: start });
      i += op.length;
    }
  }
  tokens.push({ kind: "eof", text: "", position: input.length });
  return tokens;
}

/** A number starts with a digit, or with a sign or "." where a value is expected (after an operator). */
function startsNumber(input: string, i: number, previous: Token | undefined): boolean {
  if (!NUMBER.test(input.slice(i))) return false;
  return /\d/.test(input[i] as string) || ["op", "comma", "lparen"].includes(previous?.kind ?? "");
}

/** Reads '…', "…" or `…`; the quote character is escaped by doubling it (SQL style) or with a backslash. */
function readQuoted(input: string, open: number, quote: string, what: string) {
  let text = "";
  let i = open + 1;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "\\" && i + 1 < input.length) {
      text += input[i + 1];
      i += 2;
    } else if (ch === quote && input[i + 1] === quote) {
      text += quote;
      i += 2;
    } else if (ch === quote) {
      return { text, end: i + 1 };
    } else {
      text += ch;
      i++;
    }
  }
  throw new FilterError(open, `a closing ${quote} for the ${what} that starts here`, "end of filter");
}

function describe(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code > 0x7e || code < 0x20
    ? `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, "0")})`
    : `'${ch}'`;
}
