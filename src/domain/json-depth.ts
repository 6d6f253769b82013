/**
 * Nesting depth of parsed JSON, walked with an explicit stack: a value nested thousands of levels
 * deep must not overflow ours (or, later, a Durable Object's serialiser, or a Python client's
 * recursive json module), so free-form fields are refused beyond a modest depth.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
