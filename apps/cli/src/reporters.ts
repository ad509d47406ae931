// Turning training events into output: JSON lines (`--json`), per-epoch progress bars with loss,
// metric, sequences/s and ETA on a terminal (cli-progress), or one plain line per epoch when
// stderr is not a terminal (logs, CI).

import cliProgress from 'cli-progress';
import type { Reporter, TrainEvent } from '@recur/sample-core';
import { formatCount, formatMetric } from './format.js';
import type { Output } from './io.js';

export function jsonReporter(stdout: Output): Reporter {
  return (event) => {
    stdout.write(`${JSON.stringify(event)}\n`);
  };
}

/** The lines both human reporters print for events other than progress. */
function describe(event: TrainEvent): string | null {
  switch (event.event) {
    case 'start': {
      const resumed = event.resumedFrom ? `, resuming ${event.resumedFrom} after epoch ${event.startEpoch}` : '';
      return `${event.task}: ${formatCount(event.parameters)} parameters, ${formatCount(event.trainSize)} training examples, ${event.epochs} epoch${event.epochs === 1 ? '' : 's'} on ${event.backend}${resumed}`;
    }
    case 'epoch': {
      const metrics = Object.entries(event.metrics)
        .map(([name, value]) => `val_${name} ${formatMetric(name, value)}`)
        .join('  ');
      return `epoch ${String(event.epoch).padStart(String(event.epochs).length)}/${event.epochs}  loss ${formatMetric('loss', event.trainLoss)}  val_loss ${formatMetric('loss', event.validationLoss)}  ${metrics}  lr ${event.lr.toPrecision(3)}  ${formatCount(event.sequencesPerSecond)} seq/s  ${event.seconds.toFixed(1)}s`;
    }
    case 'interrupted':
      return event.checkpoint
        ? `interrupted in epoch ${event.epoch + 1} after ${event.batch} batches; checkpoint saved to ${event.checkpoint} (continue with --resume)`
        : `interrupted in epoch ${event.epoch + 1}; no output directory, nothing saved`;
    case 'note':
      return event.level === 'warning' ? `warning: ${event.message}` : event.message;
    default:
      return null;
  }
}

export function plainReporter(stderr: Output): Reporter {
  return (event) => {
    const line = describe(event);
    if (line !== null) stderr.write(`${line}\n`);
  };
}

/** A bar per epoch; the finished bar stays on screen with the epoch's validation metric. */
export function progressReporter(stderr: Output, metricName: string): Reporter {
  let bar: cliProgress.SingleBar | null = null;
  const payload = { loss: '…', metric: '…', speed: '…' };
  return (event) => {
    switch (event.event) {
      case 'epoch-start': {
        bar = new cliProgress.SingleBar(
          {
            stream: stderr as unknown as NodeJS.WritableStream,
            format: `epoch ${event.epoch}/${event.epochs} {bar} {percentage}% | loss {loss} | val ${metricName} {metric} | {speed} seq/s | ETA {eta_formatted}`,
            barsize: 24,
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        Object.assign(payload, { loss: '…', metric: '…', speed: '…' });
        bar.start(event.batches, event.batch, payload);
        return;
      }
      case 'batch':
        Object.assign(payload, { loss: formatMetric('loss', event.loss), speed: formatCount(event.sequencesPerSecond) });
        bar?.update(event.batch, payload);
        return;
      case 'epoch':
        payload.metric = formatMetric(metricName, event.metric.value);
        bar?.update(payload);
        bar?.stop();
        bar = null;
        return;
      default: {
        if (event.event === 'interrupted') {
          bar?.stop();
          bar = null;
        }
        const line = describe(event);
        if (line !== null) stderr.write(`${line}\n`);
      }
    }
  };
}
