// The upstream and gateway child processes: forking them, reading their start
// line, request/reply over IPC, and killing every one of them however the
// driver exits (so no stray server keeps a port or a core busy).

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { BENCH } from './plan.js';

const children = new Set();

/** Forks bench/<script> with stdout piped (for its start line) and an IPC channel. */
export function start(script, args, execArgv = []) {
  const child = fork(join(BENCH, script), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export function killAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** The first stdout line of a child, parsed as JSON. */
export function firstLine(child, what, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => done(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl !== -1) {
        try {
          done(null, JSON.parse(buf.slice(0, nl)));
        } catch (err) {
          done(err);
        }
      }
    };
    const onExit = (code) => done(new Error(`${what} exited with code ${code} before starting`));
    function done(err, value) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value);
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

let rpcSeq = 0;
/** Sends {id, cmd, ...extra} and resolves with the child's reply carrying the same id. */
export function rpc(child, cmd, extra = {}, timeoutMs = 30_000) {
  const id = ++rpcSeq;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`IPC ${cmd} timed out`));
    }, timeoutMs);
    const on = (m) => {
      if (!m || m.id !== id) return;
      clearTimeout(timer);
      child.off('message', on);
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    };
    child.on('message', on);
    child.send({ id, cmd, ...extra });
  });
}
