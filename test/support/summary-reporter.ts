import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the closing line CI reads: `N passed, N failed` (skipped counted when present), after one
 * `FAILED: file > test: first line of the error` line per failure, which `.ci/run` repeats at the
 * very end of its output (CI keeps only the tail, and a flaky test must be named there).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") {
          failed++;
          const error = test.result().errors?.[0]?.message?.split("\n")[0] ?? "";
          failures.push(
            `FAILED: ${module.moduleId.replace(process.cwd(), ".")} > ${test.fullName}: ${error}`,
          );
        } else skipped++;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) {
        failed++;
        const error = module.errors()[0]?.message?.split("\n")[0] ?? "";
        failures.push(`FAILED: ${module.moduleId.replace(process.cwd(), ".")}: ${error}`);
      }
    }
    if (failures.length > 0) process.stdout.write(`\n${failures.map((f) => f.slice(0, 400)).join("\n")}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
