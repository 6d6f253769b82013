/** The parsed, type-checked filter: a conjunction of comparisons on known terms. */

export type Scope = "versions" | "models";

/** What a comparison is about. Attribute names are the public ones, not column names. */
export type Term =
  | { kind: "attribute"; name: AttributeName }
  | { kind: "tag"; key: string }
  /** `slice` is "" for the overall value, else e.g. `segment=high_value` (from `slices.`<slice>`.<name>`). */
  | { kind: "metric"; name: string; slice?: string }
  | { kind: "param"; key: string }
  | { kind: "dataset"; field: DatasetField };

export type AttributeName =
  | "name"
  | "run_id"
  /** MLflow's name for the version's source URI. */
  | "source_path"
  | "version_number"
  | "stage"
  | "status"
  | "alias"
  | "created_at"
  | "updated_at"
  | "created_by";

export type DatasetField = "digest" | "uri" | "version" | "role";

export type Op = "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "ILIKE" | "IN" | "NOT IN";

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "list"; values: string[] };

export interface Comparison {
  term: Term;
  op: Op;
  value: Value;
  /** Where the comparison starts in the filter text. */
  position: number;
}

export interface Filter {
  comparisons: Comparison[];
}

/** `order_by`: one key and a direction; ties are broken by model name and version. */
export interface OrderBy {
  key:
    | { kind: "attribute"; name: "name" | "version_number" | "created_at" | "updated_at" }
    | { kind: "metric"; name: string };
  descending: boolean;
}
