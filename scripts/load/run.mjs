// `npm run load [-- --clients 16 --seconds 30 --models 4 --fault]`: see harness.mjs.
import { parseArgs } from "node:util";
import { runLoad } from "./harness.mjs";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "20" },
    models: { type: "string", default: "4" },
    fault: { type: "boolean", default: false },
  },
});
const options = {
  clients: Number(values.clients),
  seconds: Number(values.seconds),
  models: Number(values.models),
  fault: values.fault,
};
const verdict = await runLoad(options);
console.log(
  JSON.stringify({ ...options, ...verdict.figures, ok: verdict.ok, problems: verdict.problems }, null, 2),
);
process.exit(verdict.ok ? 0 : 1);
