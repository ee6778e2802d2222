import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '@authbridge/contract';
import type { ImportFormat } from './import-source';
import { validatedBatches } from './validated-batches';

/**
 * Worker thread of UserImporter: reads and checks the file while the main thread writes to the
 * store. Sends one message per batch and waits for credit from the main thread, so at most a
 * few batches are ever in memory.
 */
export type WorkerMessage =
  | { type: 'batch'; batch: import('./validated-batches').ValidatedBatch }
  | { type: 'done' }
  | { type: 'error'; code?: string; message: string };

interface WorkerInput {
  path: string;
  format: ImportFormat;
  totalBytes: number;
  batchSize: number;
  credit: number;
}

async function main(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let credit = input.credit;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  try {
    for await (const batch of validatedBatches(input.path, input.format, input.totalBytes, input.batchSize)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      port.postMessage({ type: 'batch', batch } satisfies WorkerMessage);
    }
    port.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (error) {
    const message = error instanceof DomainError ? (error.detail ?? error.code) : error instanceof Error ? error.message : String(error);
    port.postMessage({ type: 'error', code: error instanceof DomainError ? error.code : undefined, message } satisfies WorkerMessage);
  } finally {
    port.close();
  }
}

if (parentPort) void main(parentPort, workerData as WorkerInput);
