export * from './parse';
export * from './info-string';
export * from './http-request';
export * from './expect';
export * from './json-path';
export * from './run-all';
