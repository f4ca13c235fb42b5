// What the unit tests of the browser client (src/main/resources/webroot/skillbus.js) share: the client
// itself, a scripted fake transport, tokens, the `test` wrapper and the time helpers. The tests are the
// *.test.mjs files of this directory, one topic each; SkillbusJsTest (JUnit) runs them all with
// `node --test`; the real server is driven by the browser tests.
import { test as nodeTest } from 'node:test';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The client is an ES module in a .js file served to browsers; Node loads it as such from a .mjs copy.
const source = fileURLToPath(new URL('../../main/resources/webroot/skillbus.js', import.meta.url));
const copy = join(mkdtempSync(join(tmpdir(), 'skillbus-js-')), 'skillbus.mjs');
copyFileSync(source, copy);
export const { connect, backoffDelay, tokenClaims, SkillbusError } = await import(pathToFileURL(copy).href);

export const FAST = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, jitter: 0.5 };

/** Resolves once `condition()` holds, looking every few milliseconds. */
export async function until(condition) {
  while (!condition()) {
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A getToken whose calls wait until the test lets them through, each with `token`. */
export function heldTokens(token) {
  const held = [];
  const getToken = () => new Promise((resolve) => held.push(() => resolve(token)));
  return { held, getToken };
}

export function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return part({ alg: 'HS256', typ: 'JWT' }) + '.' + part(claims) + '.sig';
}

/** The fake server side: every socket the client opens, and the frames it wrote. */
export class FakeServer {
  sockets = [];
  waiters = [];

  get SockJS() {
    const server = this;
    return class FakeSockJS {
      constructor(url) {
        this.url = url;
        this.sent = [];
        this.closed = false;
        server.sockets.push(this);
        server.check();
      }
      send(data) {
        this.sent.push(JSON.parse(data));
        server.check();
      }
      close() {
        this.closed = true;
      }
    };
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  check() {
    this.waiters = this.waiters.filter((w) => !w());
  }

  /** Resolves with the first frame matching `match` that the current socket sends (from index `from`). */
  frame(match, from = 0) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame matching ' + match)), 2000);
      const look = () => {
        const found = this.socket?.sent.slice(from).find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
        return Boolean(found);
      };
      if (!look()) {
        this.waiters.push(look);
      }
    });
  }

  request(address, from = 0) {
    return this.frame((f) => f.type === 'send' && f.address === address && f.replyAddress, from);
  }

  async socketNumber(n) {
    await until(() => this.sockets.length >= n);
    return this.sockets[n - 1];
  }

  open() {
    this.socket.onopen();
  }

  push(frame) {
    this.socket.onmessage({ data: JSON.stringify(frame) });
  }

  reply(request, body) {
    this.push({ type: 'rec', address: request.replyAddress, body });
  }

  fail(request, code, message) {
    this.push({ type: 'err', address: request.replyAddress, failureCode: code, failureType: 'RECIPIENT_FAILURE', message });
  }

  event(room, event, seq, data = {}, epoch = 'e1') {
    this.push({ type: 'rec', address: 'room.' + room, body: { event, room, seq, epoch, ts: 't', data } });
  }

  drop() {
    this.socket.onclose({ code: 1006 });
  }
}

/** A client connected to a new FakeServer with a fixed token for Ann; `options` go to connect(). */
export async function connected(options = {}) {
  const server = new FakeServer();
  const token = jwt({ sub: 'ann', name: 'Ann', role: 'learner' });
  const bus = connect({ url: 'http://test', token, SockJS: server.SockJS, reconnect: FAST, ...options });
  await server.socketNumber(1);
  server.open();
  return { server, bus, token };
}

/** A connected client that joined `room` at `seq`; `events` collects the seq of each event (or its name). */
export async function joined(room = 'r1', seq = 5) {
  const ctx = await connected();
  const events = [];
  ctx.bus.onAny((name, data, envelope) => events.push(envelope.seq === undefined ? name : envelope.seq));
  const joining = ctx.bus.join(room);
  const request = await ctx.server.request('session.join');
  ctx.server.reply(request, { sessionId: room, participants: [], seq, epoch: 'e1' });
  await joining;
  return { ...ctx, events };
}

// Every case has a time limit, so that one that hangs fails on its own and the run goes on.
export const test = (name, fn) => nodeTest(name, { timeout: 10_000 }, fn);
export const tick = () => new Promise((r) => setTimeout(r, 0));

/** Lets the promise callbacks run while the test's mock timers stand still (setImmediate is not mocked). */
export const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
  }
};

/** Durable `message` envelopes of `room` with these seqs, as the server stores them. */
export function envelopes(room, seqs, epoch = 'e1') {
  return seqs.map((seq) => ({ event: 'message', room, seq, epoch, ts: 't', data: {} }));
}
