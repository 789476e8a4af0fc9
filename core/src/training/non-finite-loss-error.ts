// A loss that went NaN or infinite ends the run as FAILED, naming where it happened.
export class NonFiniteLossError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly stage: string,
    readonly term: string,
    readonly step: number,
    readonly epoch: number,
    value: number,
    /** The plugin that computes the term, named when the term goes by another name (the manifest's `name`). */
    readonly plugin: string = term,
  ) {
    const built = plugin === term ? '' : ` (plugin ${plugin})`;
    super(`${stage} stage: loss term "${term}"${built} is ${value} at step ${step} (epoch ${epoch + 1}); lower the learning rate or check the loss`);
    this.name = 'NonFiniteLossError';
  }
}
