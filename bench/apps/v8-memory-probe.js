'use strict';
// Preloaded by bench/compile-memory.js ahead of any agent: on SIGUSR2, writes V8's own account of
// its memory (heap spaces, external memory, and what it took from malloc, now and at its peak) as
// one JSON line to the file V8_MEMORY_REPORT names. Read from inside, because from outside RSS
// cannot tell V8's heap from memory the C library keeps after V8 gave it back.
const fs = require('node:fs');
const v8 = require('node:v8');

process.on('SIGUSR2', () => {
  const heap = v8.getHeapStatistics();
  const spaces = {};
  for (const space of v8.getHeapSpaceStatistics()) spaces[space.space_name] = space.physical_space_size;
  const usage = process.memoryUsage();
  const report = { rss: usage.rss, external: usage.external, heapPhysical: heap.total_physical_size, malloced: heap.malloced_memory, peakMalloced: heap.peak_malloced_memory, spaces };
  fs.appendFileSync(process.env.V8_MEMORY_REPORT, `${JSON.stringify(report)}\n`);
});
