import { randomBytes } from 'node:crypto';

// Message and request ids: a random per-process prefix plus a counter, unique
// without paying for randomness on every request.
const prefix = randomBytes(6).toString('hex');
let counter = 0;

export function nextMessageId(): string {
  return `msg_sb${prefix}${(++counter).toString(36).padStart(6, '0')}`;
}

export function nextRequestId(): string {
  return `req_sb${prefix}${(++counter).toString(36).padStart(6, '0')}`;
}
