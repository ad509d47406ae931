// The `recur` program: `main(argv, io)` parses the arguments with commander, runs one command
// and returns its exit code (0 ok, 1 bug, 2 usage/config/checkpoint/input error, 130 Ctrl-C).
// It never calls process.exit, so tests and other programs can call it directly.

import { Command, CommanderError, Option } from 'commander';
import { benchCommand, tasksCommand } from './other-commands.js';
import { generateCommand, type GenerateFlags } from './generate-command.js';
import { evalCommand, predictCommand, type CheckpointFlags } from './checkpoint-commands.js';
import { exportCommand, type ExportFlags } from './export-command.js';
import { quantizeCommand, type QuantizeFlags } from './quantize-command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, commanderExitCode, isUserError, oneLine } from './errors.js';
import type { Io } from './io.js';
import {
  backendName,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  probability,
  positiveNumber,
  type TrainFlags,
} from './options.js';
import { modelSummaryCommand, type ModelSummaryFlags } from './model-summary-command.js';
import { streamCommand, type StreamFlags } from './stream-command.js';
import { trainCommand } from './train-command.js';

export type { Io, Output } from './io.js';
export { TASKS } from './tasks.js';

const backendOption = () => new Option('--backend <name>', 'compute backend: cpu or webgpu').argParser(backendName).default('cpu');

function program(io: Io, setCode: (code: number) => void): Command {
  const root = new Command('recur')
    .description('Train, evaluate and run the Recur sample tasks (RNNs in TypeScript).')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`recur: ${oneLine(text.replace(/^error: /, ''))}\n`),
    });

  root
    .command('tasks')
    .description('list the tasks')
    .option('--json', 'one JSON object per task')
    .action((flags: { json?: boolean }) => setCode(tasksCommand(flags, io)));

  root
    .command('train')
    .description('train a task, then evaluate it on the test split')
    .argument('<task>', 'task name (see recur tasks)')
    .addOption(backendOption())
    .option('--epochs <n>', 'epochs in total (a resumed run continues up to this)', positiveInteger)
    .option('--batch-size <n>', 'examples per batch', positiveInteger)
    .option('--lr <rate>', 'learning rate', positiveNumber)
    .option('--seed <n>', 'random seed (weights, dropout, data order)', nonNegativeInteger)
    .option('--config <file>', 'JSON file of config keys (see recur tasks --json)')
    .option('--out <dir>', 'output directory (default runs/<task>)')
    .option('--resume [checkpoint]', 'continue from a checkpoint (default <out>/checkpoint.safetensors)')
    .option('--quick', 'a tiny run that finishes in seconds')
    .option('--json', 'one JSON object per event on stdout; the last is the summary')
    .option('--no-plots', 'skip the SVG plots')
    .option(
      '--early-stopping <n>',
      "stop after n epochs without improvement of the task's validation metric, keeping the best epoch's weights",
      positiveInteger,
    )
    .action(async (task: string, flags: TrainFlags) => setCode(await trainCommand(task, flags, io)));

  root
    .command('summary')
    .description("print the task's model as a table: each layer's output shape on real example input and its parameter count")
    .argument('<task>', 'task name (see recur tasks)')
    .addOption(backendOption())
    .option('--config <file>', 'JSON file of config keys (see recur tasks --json)')
    .option('--quick', "the --quick run's model")
    .option('--json', 'one JSON object: the rows and the parameter totals')
    .action(async (task: string, flags: ModelSummaryFlags) => setCode(await modelSummaryCommand(task, flags, io)));

  root
    .command('eval')
    .description("evaluate a checkpoint on its task's test split against the baseline")
    .argument('<checkpoint>', 'a checkpoint written by recur train, or a model file written by recur quantize')
    .addOption(backendOption())
    .option('--json', 'print the summary as JSON')
    .action(async (path: string, flags: CheckpointFlags) => setCode(await evalCommand(path, flags, io)));

  root
    .command('predict')
    .description("run a checkpoint on an input (- reads standard input; none: the task's own example)")
    .argument('<checkpoint>', 'a checkpoint written by recur train, or a model file written by recur quantize')
    .argument('[input]', 'births: "YYYY-MM-DD n1 n2 …"; spam: an e-mail; charlm: a prompt; segment: text without spaces')
    .addOption(backendOption())
    .option('--json', 'print the prediction as JSON')
    .action(async (path: string, input: string | undefined, flags: CheckpointFlags) =>
      setCode(await predictCommand(path, input, flags, io)),
    );

  root
    .command('export')
    .description("write a checkpoint's model as an ONNX file, for ONNX Runtime and any other ONNX engine")
    .argument('<checkpoint>', 'a checkpoint written by recur train (births, spam, charlm, segment, g2p, stream)')
    .addOption(backendOption())
    .requiredOption('--out <file>', 'the ONNX file to write')
    .option('--format <format>', 'onnx', 'onnx')
    .option('--json', "print a summary with the task's example input and the model's output for it")
    .action(async (path: string, flags: ExportFlags) => setCode(await exportCommand(path, flags, io)));
  root
    .command('quantize')
    .description(
      "compress a checkpoint's model (int8 or float16 weights, optional magnitude pruning) into a file recur eval and predict run",
    )
    .argument('<checkpoint>', 'a checkpoint written by recur train')
    .addOption(backendOption())
    .requiredOption('--dtype <dtype>', 'weight storage: int8 (per-row scales), float16, or float32 (with --prune alone)')
    .option('--prune <fraction>', 'zero this fraction of the smallest-magnitude entries of each weight matrix first', probability)
    .option('--prune-scope <scope>', 'layer: each weight matrix loses the fraction; global: one threshold over all of them', 'layer')
    .requiredOption('--out <file>', 'the model file to write')
    .option('--json', 'print a JSON summary')
    .action(async (path: string, flags: QuantizeFlags) => setCode(await quantizeCommand(path, flags, io)));

  root
    .command('stream')
    .description('forecast a series value by value: one number a line from a file or standard input, each forecast printed as it goes')
    .argument('<checkpoint>', 'a checkpoint written by recur train stream')
    .argument('[file]', 'values, one per line (default, or -: standard input)')
    .addOption(backendOption())
    .option('--learn', 'learn online from each value once it has been forecast (truncated BPTT)')
    .option('--json', 'one JSON object per value; the last is the summary')
    .action(async (path: string, file: string | undefined, flags: StreamFlags) => setCode(await streamCommand(path, file, flags, io)));

  root
    .command('generate')
    .description('stream text sampled from a charlm checkpoint')
    .argument('[checkpoint]', 'a checkpoint written by recur train charlm (default runs/charlm/checkpoint.safetensors)')
    .addOption(backendOption())
    .option('--length <n>', 'characters to generate', positiveInteger, 500)
    .option('--temperature <t>', 'softmax temperature (0: always the most likely character)', nonNegativeNumber, 0.8)
    .option('--prompt <text>', 'text to continue', 'Call me Ishmael. ')
    .option('--top-k <k>', 'draw only from the k most likely characters (0: all)', nonNegativeInteger, 0)
    .option('--top-p <p>', 'draw only from the most likely characters whose probability reaches p (nucleus)', probability, 1)
    .option('--seed <n>', 'random seed of the sampling', nonNegativeInteger, 0)
    .option('--json', 'print one JSON object with the text instead of streaming it')
    .action(async (path: string | undefined, flags: GenerateFlags) => setCode(await generateCommand(path, flags, io)));

  root
    .command('bench')
    .description('run apps/bench (arguments are passed on)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => setCode(await benchCommand(args, io)));

  return root;
}

/** Run the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  try {
    await program(io, (value) => (code = value)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    if (isUserError(error)) {
      io.stderr.write(`recur: ${oneLine(error.message)}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`recur: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
