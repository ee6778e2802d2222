import { availableParallelism } from 'node:os';

/**
 * argon2 hashes on libuv's thread pool, each holding ARGON2_MEMORY_KIB (19 MiB) while it runs.
 * libuv's default of 4 threads on a 2-core machine buys no throughput for that CPU-bound work,
 * only more hashes in memory at once (peak RSS under verify load 224 → 170 MiB measured here).
 * So the pool gets one thread per core unless UV_THREADPOOL_SIZE says otherwise. libuv reads the
 * variable when the pool starts, at its first job, which is why this module is imported first.
 * Runtime tuning, not an application setting, so it is not in AppConfig.
 */
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, availableParallelism()));
