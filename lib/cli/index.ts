export { run, CliIo } from './main';
export { toMermaid, toDot, toSvg, GraphFormat } from './graph';
export { matrixTable, matrixCsv } from './format';
export { readInputs, LoadedInputs } from './inputs';
