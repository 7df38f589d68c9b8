/** Pure trace logic: import (OTLP, Jaeger, Zipkin), columnar model, views' computations. */
export * from './model';
export { TraceSetBuilder, type RawStore, type RawContext } from './builder';
export { importTraceTexts, importTraceDocuments, parseTraceText, detectFormat, type ImportResult, type TraceDocument } from './detect';
export { spanDetail } from './detail';
export * from './critical-path';
export * from './summary';
export * from './navigation';
export * from './rows';
export * from './service-map';
export * from './search';
export * from './compare';
