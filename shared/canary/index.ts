/** Canary judging: import, statistics, classification, scoring, reproduction verdicts. */
export * from './classifier';
export * from './descriptive';
export * from './effectSize';
export * from './judge';
export * from './mannWhitney';
export * from './prometheus';
export * from './reproduction';
export * from './scorer';
export * from './transforms';
