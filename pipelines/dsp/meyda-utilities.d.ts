// Types of meyda's CommonJS utilities module (the package ships types only for its ESM build).
declare module 'meyda/dist/node/utilities.js' {
  export function createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
  export function createBarkScale(length: number, sampleRate: number, bufferSize: number): Float32Array;
}
