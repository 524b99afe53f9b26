export type { ClientSubnet, DnsQuestionContext, DynamicRecord, DynamicAnswer, DynamicResolver } from './types.js';
