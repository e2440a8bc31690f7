import type { Strategy } from '../state.js';
import { rankReadyFirst } from './serve.js';

/** The user's order, with candidates that cannot serve now moved to the end. */
export const priority: Strategy = (candidates, facts, now) => rankReadyFirst(candidates, facts, now, (ready) => ready.map(() => []));
