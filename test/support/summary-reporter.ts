import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the closing line CI reads: `N passed, N failed` (skipped counted when present), after one
 * `FAILED: file > test: first line of the error` line per failure, which `.ci/run` repeats at the
 * very end of its output (CI keeps only the tail, and a flaky test must be named there).
 */
/** The first line of the first error, as CI's FAILED line quotes it. */
const firstLine = (errors: ReadonlyArray<{ message?: string }> | undefined) =>
  errors?.[0]?.message?.split("\n")[0] ?? "";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      const file = module.moduleId.replace(process.cwd(), ".");
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") {
          failed++;
          failures.push(`FAILED: ${file} > ${test.fullName}: ${firstLine(test.result().errors)}`);
        } else skipped++;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) {
        failed++;
        failures.push(`FAILED: ${file}: ${firstLine(module.errors())}`);
      }
    }
    if (failures.length > 0) process.stdout.write(`\n${failures.map((f) => f.slice(0, 400)).join("\n")}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
