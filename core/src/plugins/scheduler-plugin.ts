// Learning-rate scheduler plugin point: a pure function of the step.

export interface ScheduleContext {
  readonly baseLearningRate: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
}

export interface LearningRateSchedule {
  /** Learning rate to use at a 0-based global step. */
  learningRateAt(step: number, context: ScheduleContext): number;
}
