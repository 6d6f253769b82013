/**
 * Runs async tasks strictly one after another. A Durable Object's input gate only covers its own
 * storage calls: while a ledger method awaits D1, another call could start. This queue closes
 * that gap so every change of a model is read-decide-write without interleaving.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
