import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { sameBytes } from './constant-time';
import { encode64, ITOA64 } from './phpass';

/*
 * Drupal 7's hashes, after includes/password.inc of Drupal 7.x (user_check_password,
 * _password_crypt): `$S$`, one log2-count character, 8 salt characters, then phpass's base-64
 * of SHA-512(… SHA-512(salt . password) . password …) cut so the whole string is 55 characters
 * (DRUPAL_HASH_LENGTH). Drupal writes 2^15 rounds (DRUPAL_HASH_COUNT); `U$S$` is the same over
 * md5(password) hex, written by user_update_7000 for accounts carried over from Drupal 6.
 * Drupal 7 also accepts phpass `$P$`/`$H$`: those are the shared phpass format.
 */

/** `$S$` (or `U$S$`), count, 8 salt, 43 hash characters: 55 in all. */
const DRUPAL_SHA512 = /^(U?)(\$S\$[./0-9A-Za-z]{9})([./0-9A-Za-z]{43})$/;
/**
 * Drupal accepts 2^7 to 2^30; above 2^17 one login would cost a core for seconds, so a hash
 * asking for more is refused, not computed. Drupal itself writes 2^15.
 */
const MIN_LOG2 = 7;
const MAX_LOG2 = 17;
/** _password_crypt(): "Prevent DoS attacks by refusing to hash large passwords." */
const MAX_PASSWORD_BYTES = 512;

export type DrupalFormat = 'drupal7-sha512' | 'drupal7-md5-sha512';

export function recogniseDrupal(hash: string): DrupalFormat | null {
  const m = DRUPAL_SHA512.exec(hash);
  if (!m) return null;
  const log2 = ITOA64.indexOf(m[2][3]);
  if (log2 < MIN_LOG2 || log2 > MAX_LOG2) return null;
  return m[1] ? 'drupal7-md5-sha512' : 'drupal7-sha512';
}

export async function verifyDrupal(hash: string, password: string): Promise<boolean> {
  const format = recogniseDrupal(hash);
  if (!format) return false;
  const stored = format === 'drupal7-md5-sha512' ? hash.slice(1) : hash;
  // Drupal 7.x updates users carried over from 6 with user_hash_password(md5($password)).
  const secret = format === 'drupal7-md5-sha512' ? Buffer.from(createHash('md5').update(password, 'utf8').digest('hex'), 'latin1') : Buffer.from(password, 'utf8');
  if (secret.length > MAX_PASSWORD_BYTES) return false;
  const digest = await drupalSha512(Buffer.from(stored.slice(4, 12), 'latin1'), secret, 2 ** ITOA64.indexOf(stored[3]));
  const computed = (stored.slice(0, 12) + encode64(digest)).slice(0, 55);
  return sameBytes(Buffer.from(stored, 'latin1'), Buffer.from(computed, 'latin1'));
}

/**
 * The iterated SHA-512 itself: sha512(salt . secret), then `rounds` times sha512(digest . secret).
 * At Drupal's 2^15 that is tens of milliseconds of CPU, so it runs in a worker thread and the
 * event loop keeps serving. One seam on purpose: at merge it can move to the shared hash worker
 * pool unchanged for callers.
 */
export function drupalSha512(salt: Buffer, secret: Buffer, rounds: number): Promise<Buffer> {
  return sha512Worker.run(salt, secret, rounds);
}

/** The same loop, on the calling thread (the worker runs this code; tests compare the two). */
export function drupalSha512Sync(salt: Buffer, secret: Buffer, rounds: number): Buffer {
  let digest = createHash('sha512').update(salt).update(secret).digest();
  for (let i = 0; i < rounds; i++) digest = createHash('sha512').update(digest).update(secret).digest();
  return digest;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, salt, secret, rounds }) => {
  let digest = createHash('sha512').update(salt).update(secret).digest();
  for (let i = 0; i < rounds; i++) digest = createHash('sha512').update(digest).update(secret).digest();
  parentPort.postMessage({ id, digest });
});
`;

/**
 * One lazily started worker, unref'd while idle so it never keeps the process alive; a crashed
 * worker fails the checks it held (a failed login, not a hang) and the next check starts another.
 */
class Sha512Worker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (digest: Buffer) => void; reject: (error: Error) => void }>();

  run(salt: Buffer, secret: Buffer, rounds: number): Promise<Buffer> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, salt, secret, rounds });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', ({ id, digest }: { id: number; digest: Uint8Array }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      job?.resolve(Buffer.from(digest));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SHA-512 worker stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}

const sha512Worker = new Sha512Worker();
