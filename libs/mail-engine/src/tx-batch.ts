/**
 * Coalesces the calls made on one transaction in the same turn of the event loop into one
 * call with all their inputs. The group committer runs the work of many messages in one
 * transaction at once; through this, their blob rows and their mailbox deliveries each cost
 * one statement per batch instead of one (or three) per message. A lone caller pays one
 * event-loop turn of delay and nothing else.
 *
 * All callers of one flush share its outcome: if the statement fails, each of them gets the
 * error (their transaction is rolled back anyway).
 */
import type { Tx } from './contracts.js';

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export class TxBatcher<I, O> {
  private readonly pending = new WeakMap<Tx, Array<Waiting<I, O>>>();

  /** `run` answers one output per input, in the same order. */
  constructor(private readonly run: (tx: Tx, inputs: I[]) => Promise<O[]>) {}

  load(tx: Tx, input: I): Promise<O> {
    let waiting = this.pending.get(tx);
    if (!waiting) {
      const fresh: Array<Waiting<I, O>> = [];
      waiting = fresh;
      this.pending.set(tx, fresh);
      // After the microtasks of this turn: every job of the batch has made its call by then.
      setImmediate(() => this.flush(tx, fresh));
    }
    const queue = waiting;
    return new Promise<O>((resolve, reject) => queue.push({ input, resolve, reject }));
  }

  private flush(tx: Tx, waiting: Array<Waiting<I, O>>) {
    if (this.pending.get(tx) === waiting) this.pending.delete(tx);
    this.run(
      tx,
      waiting.map((w) => w.input),
    ).then(
      (outputs) => waiting.forEach((w, i) => w.resolve(outputs[i]!)),
      (error: unknown) => waiting.forEach((w) => w.reject(error)),
    );
  }
}
