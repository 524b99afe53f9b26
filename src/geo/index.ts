export type { ClientLocation, GeoLocator } from './types.js';
