/**
 * glibc malloc settings the node is started with (bin/dchat sets the same values; a test keeps the
 * two equal). LevelDB's reads and a block's batch (~13 MB of tree nodes for 10,000 transfers)
 * allocate and free large buffers from native threads; with glibc's defaults the freed memory stays
 * in the process (the threshold for mmap'd allocations rises to 32 MiB as they are freed, and the
 * heap is trimmed rarely), so a node restarted on a million-key tree sat at ~1,000 MiB RSS after
 * five blocks. Allocations of 64 KiB and more mmap'd, and the heap trimmed above 64 KiB free,
 * measured 845 against 1,025 MiB with the same block times (README "The state tree", session 10).
 * Other C libraries ignore these variables. An operator's own values win.
 */
export const MALLOC_TUNING: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '65536',
};

/** The environment for a node process started by our tools: ours, with the caller's values winning. */
export function nodeProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...MALLOC_TUNING, ...env };
}
