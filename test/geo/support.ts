/** Shared imports of the geo tests: the room's door only. */
export * from '../../src/geo/index.js';
export interface MeridianErrorLike {
  code: string;
  message: string;
}
