/**
 * Heap sizing of the server process, applied by `tram serve` before the server allocates anything.
 *
 * V8 sets the next full collection at a multiple of the heap the last one left live, and that multiple reaches
 * 4x under a steady load of creates; the pages grown into stay mapped long after the load (RSS +120 MB after a
 * burst whose live heap was ~50 MB). A smaller step (`heapGrowthPercent`) collects sooner, so the heap, and RSS,
 * follow the live data. V8 reads the flag at each collection, so setting it at run time, rather than on the
 * command line, takes effect, and works however the process was started (`tram`, `npm start`, a supervisor).
 */
import v8 from 'node:v8';
import type { Config } from '../config/index.js';

/** The V8 flags the configuration asks for (none when it leaves V8's own sizing). */
export function heapFlags(config: Pick<Config, 'heapGrowthPercent'>): string[] {
  return config.heapGrowthPercent > 0 ? [`--heap-growing-percent=${config.heapGrowthPercent}`] : [];
}

export function sizeHeap(config: Pick<Config, 'heapGrowthPercent'>): void {
  for (const flag of heapFlags(config)) v8.setFlagsFromString(flag);
}
