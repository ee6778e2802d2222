import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/*
 * Iterated digests (phpass's $P$/$H$, Drupal 7's $S$) are tens of thousands of hash calls in a
 * row: WordPress writes 2^13 rounds and Joomla 2^15, several milliseconds each on the event loop,
 * which a few concurrent logins turn into a stalled API. They run here, on worker threads.
 *
 * Hand-rolled rather than piscina (whose engines allow Node 20): piscina loads its task from a
 * file on disk, and this code runs both compiled (dist/) and straight from TypeScript under
 * ts-jest, where no such .js file exists; the whole task is the dozen lines below, evaluated
 * from a string, and a queue in front of a fixed set of workers is all the pool this needs.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, algorithm, salt, secret, rounds }) => {
  try {
    let digest = createHash(algorithm).update(salt).update(secret).digest();
    for (let i = 0; i < rounds; i++) digest = createHash(algorithm).update(digest).update(secret).digest();
    parentPort.postMessage({ id, digest });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

/** The most rounds one task may ask for: 2^17, Drupal's bound and above every other format's. */
const MAX_ROUNDS = 1 << 17;

interface Task {
  id: number;
  algorithm: string;
  salt: Uint8Array;
  secret: Uint8Array;
  rounds: number;
  resolve(digest: Buffer): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

class DigestPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;

  // One core is left to the event loop (and libuv's pool, where bcrypt and argon2 run).
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  run(algorithm: string, salt: Buffer, secret: Buffer, rounds: number): Promise<Buffer> {
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) return Promise.reject(new RangeError(`rounds must be 1 to ${MAX_ROUNDS}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, algorithm, salt, secret, rounds, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.task === undefined);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, algorithm: task.algorithm, salt: task.salt, secret: task.secret, rounds: task.rounds });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker };
    // An idle pool must not keep a command-line process alive.
    worker.unref();
    worker.on('message', (reply: { id: number; digest?: Uint8Array; error?: string }) => {
      const task = slot.task;
      slot.task = undefined;
      worker.unref();
      if (task && task.id === reply.id) {
        if (reply.digest) task.resolve(Buffer.from(reply.digest));
        else task.reject(new Error(reply.error ?? 'digest failed'));
      }
      this.dispatch();
    });
    const retire = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.task?.reject(error);
      slot.task = undefined;
      this.dispatch();
    };
    worker.on('error', retire);
    worker.on('exit', (code) => retire(new Error(`digest worker exited with ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

let pool: DigestPool | undefined;

/**
 * H(salt ‖ secret), then `rounds` times H(previous ‖ secret), off the event loop: phpass's
 * crypt_private() with MD5, Drupal 7's _password_crypt() with SHA-512.
 */
export function iteratedDigest(algorithm: 'md5' | 'sha512', salt: Buffer, secret: Buffer, rounds: number): Promise<Buffer> {
  pool ??= new DigestPool();
  return pool.run(algorithm, salt, secret, rounds);
}
