// Turns a `recur train g2p` run into the checkpoint demo 3 ships in public/models/g2p/: the
// model's weights alone (the CLI checkpoint also holds Adam's moments, three times the size) as
// g2p.safetensors, and g2p.json with the model's options, the run's vocabularies and how it was
// trained. Then it loads the written files back the way the browser worker does (strict
// loadStateDict) and spells a few words, so a bad export fails here and not on the site.
//
// How the shipped checkpoint was made: `pnpm run g2p-checkpoint` in apps/docs (with the CLI
// built), which trains with scripts/g2p-site-config.json and then runs this script on the run:
//
//   pnpm -w run recur train g2p --config apps/docs/scripts/g2p-site-config.json --out runs/g2p-site
//   tsx --conditions=@recur/source scripts/make-g2p-checkpoint.ts ../../runs/g2p-site
//
// The site's build never trains: it serves the committed files as they are.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@recur/backend-cpu';
import { decodeCheckpoint } from '@recur/optim';
import { CHECKPOINT_FILE, readTaskCheckpoint, type SummaryEvent } from '@recur/sample-core';
import { G2P_ATTENTIONS, G2pModel, G2pVocab, type G2pAttention, type G2pConfig } from '@recur/sample-g2p/browser';
import { Generator, registerBackend, serializeSafetensors, useBackend } from '@recur/tensor';
import { loadG2p, translate } from '../.vitepress/theme/demos/g2p-task.js';
import type { G2pCheckpointInfo } from '../.vitepress/theme/demos/protocol.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'models', 'g2p');
const WEIGHTS = 'g2p.safetensors';
/** Words the export prints: in and out of the dictionary, silent letters, letter groups. */
const CHECK_WORDS = ['recur', 'python', 'knight', 'phoneme', 'tensor', 'attention', 'laughter'];

async function main(runDir: string): Promise<void> {
  registerBackend(cpu());
  await useBackend('cpu');
  const checkpoint = await readTaskCheckpoint(join(runDir, CHECKPOINT_FILE));
  const { meta } = checkpoint;
  if (meta.task !== 'g2p') throw new Error(`${checkpoint.path}: a ${meta.task} checkpoint, expected g2p`);
  const config = meta.config as G2pConfig;
  if (!(G2P_ATTENTIONS as readonly string[]).includes(config.attention))
    throw new Error(`${checkpoint.path}: unknown attention ${config.attention}`);
  const vocab = G2pVocab.fromJSON(meta.state);
  if (!vocab) throw new Error(`${checkpoint.path}: no vocabularies in the checkpoint's state`);
  const options = {
    letters: vocab.letters.size,
    phonemes: vocab.phonemes.size,
    embeddingDim: config.embeddingDim,
    hiddenSize: config.hiddenSize,
    attention: config.attention as G2pAttention,
  };
  const model = new G2pModel({ ...options, dropout: 0 });
  // Strict: every tensor of the model must be in the file with its shape (the optimizer's are skipped).
  decodeCheckpoint(checkpoint.bytes, { model, generator: new Generator() }, checkpoint.path);

  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as SummaryEvent;
  const info: G2pCheckpointInfo = {
    format: 'recur-g2p-demo',
    version: 1,
    weights: WEIGHTS,
    model: options,
    vocab: vocab.toJSON() as G2pCheckpointInfo['vocab'],
    training: {
      command: 'pnpm recur train g2p --config apps/docs/scripts/g2p-site-config.json --out runs/g2p-site',
      config: meta.config,
      trainWords: config.trainLimit,
      epochs: meta.progress.epoch,
      seconds: Math.round(summary.seconds),
      test: {
        words: config.testLimit,
        per: round(summary.metrics.per!),
        wer: round(summary.metrics.wer!),
        bleu: round(summary.metrics.bleu!),
      },
    },
  };
  const weights = await serializeSafetensors(model.stateDict(), { format: 'pt' });
  model.dispose();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, WEIGHTS), weights);
  writeFileSync(join(out, 'g2p.json'), `${JSON.stringify(info)}\n`);

  // Read back what was written, as the worker will.
  const written = JSON.parse(readFileSync(join(out, 'g2p.json'), 'utf8')) as G2pCheckpointInfo;
  const loaded = loadG2p(written, new Uint8Array(readFileSync(join(out, WEIGHTS))), join(out, WEIGHTS));
  console.log(`${out}: ${loaded.parameters.toLocaleString('en')} parameters, ${weights.length.toLocaleString('en')} bytes of weights`);
  console.log(
    `test (${info.training.test.words} words, beam ${config.beamSize}): PER ${info.training.test.per}, WER ${info.training.test.wer}, BLEU ${info.training.test.bleu}`,
  );
  for (const word of CHECK_WORDS) {
    const [greedy, beam] = [await translate(loaded, word, 1), await translate(loaded, word, 4)];
    console.log(`${word.padEnd(10)} greedy ${greedy.phonemes.join(' ').padEnd(24)} beam ${beam.phonemes.join(' ')}`);
  }
  loaded.model.dispose();
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

const runDir = process.argv[2];
if (!runDir) {
  console.error('usage: tsx --conditions=@recur/source scripts/make-g2p-checkpoint.ts <run directory of recur train g2p>');
  process.exit(2);
}
await main(resolve(runDir));
