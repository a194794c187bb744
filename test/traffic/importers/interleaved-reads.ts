/**
 * Shared by the importers' interleaved-read tests (not a test file itself): a consumer that labels
 * every row's tags with the import it came from, one trace read alone, and two or more read
 * interleaved in one process (their readers advanced alternately, batch by batch).
 */
import { readTrace } from '../../../src/traffic/read-trace.js';
import { newTrafficStats, type TrafficRequest } from '../../../src/traffic/traffic-request.js';

/** What a consumer does with each batch as it arrives: labels every row's tags with its import. */
export function label(batch: TrafficRequest[], name: string): TrafficRequest[] {
  for (const r of batch) (r.tags as Record<string, string>).import = name;
  return batch;
}

const open = (file: string, format: string) => readTrace({ file, format }, newTrafficStats());

/** `file` read alone, its batches labelled `name`. */
export async function readAlone(file: string, format: string, name: string): Promise<TrafficRequest[][]> {
  const batches: TrafficRequest[][] = [];
  for await (const batch of open(file, format)) batches.push(label(batch, name));
  return batches;
}

/** The files' readers advanced one batch each in turn until all are done; each file's batches, labelled with its name. */
export async function readInterleaved(files: readonly { file: string; name: string }[], format: string): Promise<TrafficRequest[][][]> {
  const readers = files.map(({ file, name }) => ({ reader: open(file, format), name, batches: [] as TrafficRequest[][] }));
  for (let live = readers.length; live > 0; ) {
    live = 0;
    for (const r of readers) {
      const next = await r.reader.next();
      if (next.done) continue;
      live++;
      r.batches.push(label(next.value, r.name));
    }
  }
  return readers.map((r) => r.batches);
}
