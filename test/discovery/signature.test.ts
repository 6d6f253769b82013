import { describe, expect, it } from "vitest";
import { parseSignature, type Signature } from "../../src/domain/signature";
import { compareSignatures } from "../../src/domain/signature-compat";
import { api, createModel, json, uniqueName } from "../support/api";

const sig = (raw: unknown) => parseSignature(raw).signature as Signature;
const cols = (...specs: [string, string, boolean?][]) =>
  sig({
    inputs: specs.map(([name, type, required]) => ({
      name,
      type,
      ...(required === false ? { required } : {}),
    })),
  });
const tensor = (dtype: string, shape: number[]) => ({ type: "tensor", "tensor-spec": { dtype, shape } });

describe("signature validation", () => {
  it("accepts MLflow's column and tensor forms, including lists stored as JSON strings", () => {
    expect(
      parseSignature({ inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] }).errors,
    ).toEqual([]);
    expect(parseSignature({ inputs: JSON.stringify([tensor("float32", [-1, 28, 28])]) }).errors).toEqual([]);
    expect(
      parseSignature({ inputs: [{ name: "tags", type: "array", items: { type: "string" } }] }).errors,
    ).toEqual([]);
  });

  const bad: [unknown, string][] = [
    [{ outputs: [] }, "signature.inputs"],
    [{ inputs: [{ name: "x", type: "decimal" }] }, "signature.inputs.0.type"],
    [{ inputs: [{ name: "x" }] }, "signature.inputs.0.type"],
    [
      { inputs: [{ type: "tensor", "tensor-spec": { dtype: "float128", shape: [1] } }] },
      "signature.inputs.0.tensor-spec.dtype",
    ],
    [{ inputs: [tensor("float32", [-2])] }, "signature.inputs.0.tensor-spec.shape"],
    [
      {
        inputs: [
          { name: "a", type: "long" },
          { name: "a", type: "long" },
        ],
      },
      "signature.inputs.1.name",
    ],
    [{ inputs: [{ name: "a", type: "long" }, tensor("int8", [1])] }, "signature.inputs"],
    [{ inputs: "[not json" }, "signature.inputs"],
    [{ inputs: [], extra: 1 }, "signature.extra"],
    [{ inputs: [{ name: "a", type: "long", required: "yes" }] }, "signature.inputs.0.required"],
  ];
  it.each(bad)("refuses %j at %s", (raw, path) => {
    expect(parseSignature(raw).errors.map((e) => e.path)).toContain(path);
  });

  it("registration answers 400 with the paths and writes nothing", async () => {
    const name = uniqueName("sig");
    await createModel(name);
    const response = await api("POST", `/api/v1/models/${name}/versions`, {
      body: { signature: { inputs: [{ name: "x", type: "decimal" }] } },
    });
    expect(response.status).toBe(400);
    expect((await json<{ errors: { path: string }[] }>(response)).errors).toEqual([
      expect.objectContaining({ path: "signature.inputs.0.type" }),
    ]);
    const list = await json<{ items: unknown[] }>(await api("GET", `/api/v1/models/${name}/versions`));
    expect(list.items).toEqual([]);
  });
});

describe("compatibility report", () => {
  it("classifies added, removed, retyped and reshaped inputs and outputs", () => {
    const before = sig({
      inputs: [
        { name: "a", type: "integer" },
        { name: "b", type: "string" },
      ],
      outputs: [{ name: "p", type: "double" }],
    });
    const after = sig({
      inputs: [
        { name: "a", type: "long" },
        { name: "c", type: "double", required: false },
        { name: "d", type: "double" },
      ],
      outputs: [
        { name: "p", type: "float" },
        { name: "q", type: "string" },
      ],
    });
    const r = compareSignatures(before, after);
    expect(r.inputs.retyped).toEqual([{ name: "a", from: "integer", to: "long", breaking: false }]);
    expect(r.inputs.removed).toEqual([{ name: "b", from: "string", breaking: false }]);
    expect(r.inputs.added).toEqual([
      { name: "c", to: "double", breaking: false },
      { name: "d", to: "double", breaking: true },
    ]);
    expect(r.outputs.retyped).toEqual([{ name: "p", from: "double", to: "float", breaking: true }]);
    expect(r.outputs.added).toEqual([{ name: "q", to: "string", breaking: false }]);
    expect(r.breaking).toBe(true);
    expect(r.reasons).toEqual(["input 'd' added (— → double)", "output 'p' retyped (double → float)"]);
  });

  it("identical and widening changes are not breaking; narrowing is", () => {
    expect(compareSignatures(cols(["a", "long"]), cols(["a", "long"])).breaking).toBe(false);
    expect(compareSignatures(cols(["a", "float"]), cols(["a", "double"])).breaking).toBe(false);
    expect(compareSignatures(cols(["a", "double"]), cols(["a", "float"])).breaking).toBe(true);
    expect(compareSignatures(cols(["a", "long", false]), cols(["a", "long"])).breaking).toBe(true);
  });

  it("tensors: dtype and shape changes; -1 generalises a dimension", () => {
    const t = (dtype: string, shape: number[]) => sig({ inputs: [tensor(dtype, shape)] });
    expect(compareSignatures(t("float32", [1, 28, 28]), t("float32", [-1, 28, 28])).breaking).toBe(false);
    const reshaped = compareSignatures(t("float32", [-1, 28, 28]), t("float32", [-1, 32, 32]));
    expect(reshaped.inputs.reshaped).toEqual([
      { name: "#0", from: "[-1,28,28]", to: "[-1,32,32]", breaking: true },
    ]);
    expect(compareSignatures(t("float32", [-1]), t("int8", [-1])).inputs.retyped[0]?.breaking).toBe(true);
  });

  it("nothing to compare against breaks nothing; removing the signature does", () => {
    expect(compareSignatures(null, cols(["a", "long"])).breaking).toBe(false);
    expect(compareSignatures(cols(["a", "long"]), null).breaking).toBe(true);
  });

  it("GET …/compatibility compares with the previous and the Production version", async () => {
    const name = uniqueName("compat");
    await createModel(name);
    const reg = (signature: unknown) =>
      api("POST", `/api/v1/models/${name}/versions`, { body: { signature } });
    await reg({ inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] });
    await reg({
      inputs: [
        { name: "amount", type: "double" },
        { name: "country", type: "string" },
      ],
      outputs: [{ type: "double" }],
    });
    const first = await json<Record<string, unknown>>(
      await api("GET", `/api/v1/models/${name}/versions/1/compatibility`),
    );
    expect(first).toMatchObject({
      version: 1,
      has_signature: true,
      previous: null,
      production: null,
      breaking: false,
    });
    const second = await json<{
      previous: { version: number; breaking: boolean; inputs: { added: unknown[] } };
      breaking: boolean;
    }>(await api("GET", `/api/v1/models/${name}/versions/2/compatibility`));
    expect(second.previous.version).toBe(1);
    expect(second.previous.inputs.added).toEqual([{ name: "country", to: "string", breaking: true }]);
    expect(second.breaking).toBe(true);
  });
});
