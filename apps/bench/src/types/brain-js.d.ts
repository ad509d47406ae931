// The slice of brain.js 1.6.1 (which ships no types) that the brainjs driver uses: the
// recurrent time-step networks, their run/train entry points and the per-pattern train step.

declare module 'brain.js' {
  interface TimeStepOptions {
    inputSize: number;
    hiddenLayers: number[];
    outputSize: number;
  }
  type Sequence = number[] | number[][];
  interface TimeStepNetwork {
    run(input: Sequence): unknown;
    train(data: Sequence[], options?: { iterations?: number; log?: boolean }): { error: number; iterations: number };
    formatData(data: Sequence[]): unknown[];
    /** Forward, backpropagate and adjust the weights for one formatted sequence. */
    trainPattern(input: unknown, logErrorRate?: boolean): number | undefined;
  }
  type TimeStepClass = new (options: TimeStepOptions) => TimeStepNetwork;
  const brain: {
    recurrent: {
      LSTMTimeStep: TimeStepClass;
      GRUTimeStep: TimeStepClass;
      RNNTimeStep: TimeStepClass;
    };
  };
  export default brain;
}
