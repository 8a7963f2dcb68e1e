export { run, CliIo } from './main';
export { toMermaid, toDot, toSvg, GraphFormat, DotOptions } from './graph';
export { matrixTable, matrixCsv } from './format';
export { readInputs, LoadedInputs } from './inputs';
