// Unit tests of the browser client (src/main/resources/webroot/skillbus.js) against a scripted fake
// transport: ordering, de-duplication, gap fill, reconnect and rejoin with since, token refresh,
// backoff. Run by SkillbusJsTest (JUnit) as `node --test`; the real server is driven by the
// browser tests.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The client is an ES module in a .js file served to browsers; Node loads it as such from a .mjs copy.
const source = fileURLToPath(new URL('../../main/resources/webroot/skillbus.js', import.meta.url));
const copy = join(mkdtempSync(join(tmpdir(), 'skillbus-js-')), 'skillbus.mjs');
copyFileSync(source, copy);
const { connect, backoffDelay, tokenClaims, SkillbusError } = await import(pathToFileURL(copy).href);

const FAST = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, jitter: 0.5 };

/** Resolves once `condition()` holds, looking every few milliseconds. */
async function until(condition) {
  while (!condition()) {
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A getToken whose calls wait until the test lets them through, each with `token`. */
function heldTokens(token) {
  const held = [];
  const getToken = () => new Promise((resolve) => held.push(() => resolve(token)));
  return { held, getToken };
}

function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return part({ alg: 'HS256', typ: 'JWT' }) + '.' + part(claims) + '.sig';
}

/** The fake server side: every socket the client opens, and the frames it wrote. */
class FakeServer {
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

async function connected(options = {}) {
  const server = new FakeServer();
  const token = jwt({ sub: 'ann', name: 'Ann', role: 'learner' });
  const bus = connect({ url: 'http://test', token, SockJS: server.SockJS, reconnect: FAST, ...options });
  await server.socketNumber(1);
  server.open();
  return { server, bus, token };
}

async function joined(room = 'r1', seq = 5) {
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
const test = (name, fn) => nodeTest(name, { timeout: 10_000 }, fn);
const tick = () => new Promise((r) => setTimeout(r, 0));

test('connects, sends the bearer token on every frame and registers on the user address', async () => {
  const states = [];
  const server = new FakeServer();
  const token = jwt({ sub: 'ann', name: 'Ann', role: 'learner' });
  const bus = connect({ url: 'http://test/', token, SockJS: server.SockJS });
  bus.on('state', (s) => states.push(s.state));
  await server.socketNumber(1);
  assert.equal(server.socket.url, 'http://test/eventbus');
  server.open();
  const register = await server.frame((f) => f.type === 'register');
  assert.deepEqual(register, { type: 'register', address: 'user.ann', headers: { authorization: 'Bearer ' + token } });
  assert.deepEqual(states, ['connecting', 'connected']);
  assert.equal(bus.state, 'connected');
  assert.deepEqual(bus.user, { id: 'ann', name: 'Ann', role: 'learner' });
  bus.close();
  assert.equal(bus.state, 'disconnected');
});

test('once() listens to one event; off() with the same function stops it before', async () => {
  const { server, bus } = await connected();
  const seen = [];
  const kept = (data) => seen.push('kept:' + data.n);
  const dropped = (data) => seen.push('dropped:' + data.n);
  bus.once('notification', kept).once('notification', dropped).off('notification', dropped);
  for (const n of [1, 2]) {
    server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', data: { n } } });
  }
  assert.deepEqual(seen, ['kept:1']);
  bus.close();
});

test('emit resolves with the reply body and rejects with {code, message}', async () => {
  const { server, bus } = await connected();
  const ok = bus.emit('notes.create', { content: 'x' });
  server.reply(await server.request('notes.create'), { id: 'n1' });
  assert.deepEqual(await ok, { id: 'n1' });
  const refused = bus.emit('session.message', { sessionId: 'r', text: '' }, {});
  server.fail(await server.request('session.message'), 400, "'text' must not be empty");
  await assert.rejects(refused, (e) => e instanceof SkillbusError && e.code === 400 && e.message === "'text' must not be empty");
  bus.close();
});

test('a joined room delivers durable events once and in order, volatile ones as they come', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const register = server.socket.sent.findIndex((f) => f.type === 'register' && f.address === 'room.r1');
  const join = server.socket.sent.findIndex((f) => f.address === 'session.join');
  assert.ok(register >= 0 && register < join, 'registers on the room before joining it');
  server.event('r1', 'user-joined', 5);
  server.event('r1', 'message', 6);
  server.event('r1', 'message', 6);
  server.push({ type: 'rec', address: 'room.r1', body: { event: 'cursor-moved', room: 'r1', data: {} } });
  server.event('r1', 'message', 7);
  assert.deepEqual(events, [6, 'cursor-moved', 7]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 7, epoch: 'e1' }]);
  bus.close();
});

test('volatile events that come while a join is on its way reach the listeners after join() resolved: each member\'s latest of each kind', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data) => seen.push(name + ':' + (data.isActive ?? data.cursor?.line)));
  const volatile = (event, data) => server.push({ type: 'rec', address: 'room.r1', body: { event, room: 'r1', data } });
  const joining = bus.join('r1').then((reply) => seen.push('resolved:' + reply.participants.length));
  const request = await server.request('session.join');
  // Newer than the list the reply will carry: a page that took them now would drop them (Bob unknown yet).
  volatile('user-activity-changed', { userId: 'bob', isActive: false });
  volatile('cursor-moved', { userId: 'bob', cursor: { line: 1, column: 0 } });
  assert.deepEqual(seen, []);
  server.reply(request, { sessionId: 'r1', participants: [{ userId: 'bob', isActive: true }], seq: 3, epoch: 'e1' });
  volatile('cursor-moved', { userId: 'bob', cursor: { line: 2, column: 0 } });
  await joining;
  // Each member's latest of each kind: the later cursor replaces the one held before it.
  await until(() => seen.length === 3);
  assert.deepEqual(seen, ['resolved:1', 'user-activity-changed:false', 'cursor-moved:2']);
  volatile('cursor-moved', { userId: 'bob', cursor: { line: 3, column: 0 } });
  assert.deepEqual(seen.slice(3), ['cursor-moved:3'], 'once joined, a volatile event comes as it arrives');
  bus.close();
});

test('volatile events held for a join that is refused are dropped with the room', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name) => seen.push(name));
  const joining = bus.join('r1').catch((error) => error.code);
  const request = await server.request('session.join');
  server.push({ type: 'rec', address: 'room.r1', body: { event: 'cursor-moved', room: 'r1', data: { userId: 'bob' } } });
  server.fail(request, 403, 'not allowed');
  assert.equal(await joining, 403);
  await tick();
  await tick();
  assert.deepEqual(seen.filter((name) => name === 'cursor-moved'), []);
  bus.close();
});

test('a join with since asked while a join is on its way holds cursor and activity events until its own reply', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data) => seen.push(name + ':' + (data.cursor?.line ?? '')));
  const first = bus.join('c1').then(() => seen.push('first resolved'));
  const request = await server.request('session.join');
  const from = server.socket.sent.length;
  const second = bus.join('c1', { since: 0 }).then(() => seen.push('second resolved'));
  server.reply(request, { sessionId: 'c1', participants: [], seq: 2, epoch: 'e' });
  const again = await server.request('session.join', from);
  server.push({ type: 'rec', address: 'room.c1', body: { event: 'cursor-moved', room: 'c1', data: { userId: 'bob', cursor: { line: 1 } } } });
  await tick();
  await tick();
  assert.deepEqual(seen, [], 'held while the second join is on its way');
  server.reply(again, { sessionId: 'c1', participants: [], seq: 2, epoch: 'e', missed: [], recovered: true });
  await first;
  await second;
  await until(() => seen.length === 3);
  assert.deepEqual(seen, ['first resolved', 'second resolved', 'cursor-moved:1']);
  bus.close();
});

test('a course session_status is not held by a join: it comes before the events that came after it', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data, envelope) => seen.push(envelope.seq ?? name + ':' + data.status));
  const joining = bus.join('c1', { since: 0 }).then(() => seen.push('resolved'));
  const request = await server.request('session.join');
  const from = server.socket.sent.length;
  server.reply(request, { sessionId: 'c1', participants: [], seq: 2, epoch: 'e', missed: envelopes('c1', [1], 'e'), recovered: true, more: true });
  const page = await server.request('session.history', from);
  server.push({ type: 'rec', address: 'room.c1', body: { event: 'session_status', room: 'c1', data: { sessionId: 'c1', status: 'running' } } });
  server.push({ type: 'rec', address: 'room.c1', body: { event: 'course_generation_complete', room: 'c1', seq: 3, epoch: 'e', data: { success: true } } });
  server.reply(page, { events: envelopes('c1', [2], 'e'), seq: 2, epoch: 'e', complete: true, more: false });
  await joining;
  assert.ok(seen.indexOf('session_status:running') >= 0 && seen.indexOf('session_status:running') < seen.indexOf(3), String(seen));
  bus.close();
});

test('a cursor event held while a join was on its way is not delivered once the client is closed', async () => {
  const { server, bus } = await joined('r1', 5);
  const seen = [];
  bus.onAny((name) => seen.push(name));
  bus.join('r1').catch(() => {});
  await server.request('session.join', server.socket.sent.findIndex((f) => f.address === 'session.join') + 1);
  server.push({ type: 'rec', address: 'room.r1', body: { event: 'cursor-moved', room: 'r1', data: { userId: 'bob' } } });
  bus.close();
  await tick();
  await tick();
  await tick();
  assert.deepEqual(seen.filter((name) => name === 'cursor-moved'), []);
});

test('a seq jump is filled from session.history before the later events', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.event('r1', 'message', 9);
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 8, epoch: 'e1', complete: true });
  await tick();
  server.event('r1', 'message', 10);
  assert.deepEqual(events, [6, 7, 8, 9, 10]);
  bus.close();
});

test('after a dropped connection it reconnects, registers again and rejoins with since and epoch', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const states = [];
  bus.on('state', (s) => states.push(s.state + (s.delayMs === undefined ? '' : ':delay')));
  server.event('r1', 'message', 6);
  server.drop();
  const second = await server.socketNumber(2);
  assert.notEqual(second, server.sockets[0]);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 6, epoch: 'e1' });
  assert.ok(second.sent.some((f) => f.type === 'register' && f.address === 'room.r1'));
  assert.ok(second.sent.some((f) => f.type === 'register' && f.address === 'user.ann'));
  server.event('r1', 'message', 8); // live, while the join is answered: held back, not doubled
  const missed = [7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} }));
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 8, epoch: 'e1', missed, recovered: true });
  await tick();
  server.event('r1', 'message', 9);
  assert.deepEqual(events, [6, 7, 8, 9]);
  assert.deepEqual(states, ['reconnecting:delay', 'reconnecting', 'connected']);
  bus.close();
});

test('a rejoin whose history is gone says reset and goes on from the new position; late events of the old epoch are dropped', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.sessionId + ':' + r.reason));
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 2, epoch: 'e2', missed: [], recovered: false });
  await tick();
  server.event('r1', 'message', 6); // of epoch e1, late from another node
  server.event('r1', 'message', 3, {}, 'e2');
  assert.deepEqual(resets, ['r1:epoch']);
  assert.deepEqual(events, [3]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 3, epoch: 'e2' }]);
  bus.close();
});

test('requests made while reconnecting wait for the rejoin; those in flight reject with 503', async () => {
  const { server, bus } = await joined('r1', 5);
  const inFlight = bus.emit('session.message', { sessionId: 'r1', text: 'a' });
  await server.request('session.message');
  server.drop();
  await assert.rejects(inFlight, (e) => e.code === 503);
  const queued = bus.emit('session.message', { sessionId: 'r1', text: 'b' });
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.message'), 'waits for the rejoin');
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1', missed: [], recovered: true });
  const message = await server.request('session.message');
  assert.equal(message.body.text, 'b');
  server.reply(message, { sessionId: 'r1', seq: 6 });
  assert.deepEqual(await queued, { sessionId: 'r1', seq: 6 });
  bus.close();
});

test('a request made while the rooms are being rejoined goes out after the rejoin', async () => {
  const { server, bus } = await joined('r1', 5);
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  const message = bus.emit('session.message', { sessionId: 'r1', text: 'c' });
  await tick();
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.message'), 'held back while rejoining');
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1', missed: [], recovered: true });
  server.reply(await server.request('session.message'), { sessionId: 'r1', seq: 7 });
  assert.deepEqual(await message, { sessionId: 'r1', seq: 7 });
  bus.close();
});

test('a state listener that calls open() on failed: every listener of failed hears it before the next state comes', async () => {
  const { server, bus } = await connected();
  const heard = [];
  bus.on('state', (info) => {
    heard.push('state:' + info.state);
    if (info.state === 'failed') {
      bus.open();
    }
  });
  const failedHeard = new Promise((resolve) => bus.on('failed', () => {
    heard.push('failed');
    resolve();
  }));
  bus.on('reconnecting', () => heard.push('reconnecting'));
  server.drop();
  for (let n = 2; n <= 4; n++) {
    await server.socketNumber(n);
    server.drop();
  }
  await failedHeard;
  await server.socketNumber(5);
  const from = heard.indexOf('state:failed');
  assert.deepEqual(heard.slice(from, from + 4), ['state:failed', 'failed', 'state:reconnecting', 'reconnecting']);
  bus.close();
});

test('gives up after maxAttempts and says failed; open() tries again', async () => {
  const { server, bus } = await connected();
  const failed = new Promise((resolve) => bus.on('failed', resolve));
  server.drop();
  for (let n = 2; n <= 4; n++) {
    await server.socketNumber(n);
    server.drop();
  }
  const info = await failed;
  assert.equal(info.state, 'failed');
  assert.equal(server.sockets.length, 4, 'one connection and three attempts');
  await assert.rejects(bus.emit('notes.create', {}), (e) => e.code === 503);
  bus.open();
  await server.socketNumber(5);
  server.open();
  assert.equal(bus.state, 'connected');
  bus.close();
});

/** The server closes a socket on which no frame carried a valid token: 4001 on a raw WebSocket. */
function closeForNoToken(server) {
  server.socket.onclose({ code: 4001, reason: 'no token presented' });
}

/** A client that registers on nothing of its own: until it joins or asks, it sends no token. */
async function withoutUser() {
  const ctx = await connected({ receiveUser: false });
  assert.ok(!ctx.server.socket.sent.some((f) => f.headers), 'sends no frame with a token');
  return ctx;
}

test('closed for want of a token with no room and nothing waiting, it goes idle and does not reconnect', async () => {
  const { server, bus } = await withoutUser();
  const states = [];
  bus.on('state', (s) => states.push(s.state));
  closeForNoToken(server);
  assert.equal(bus.state, 'idle');
  await new Promise((r) => setTimeout(r, 5 * FAST.maxDelayMs));
  assert.equal(server.sockets.length, 1, 'no reconnect attempt');
  assert.deepEqual(states, ['idle']);
  bus.send('session.cursor', { sessionId: 'r1', line: 1, column: 1 }); // fire and forget: dropped, opens nothing
  assert.equal(server.sockets.length, 1);
  bus.close();
});

test('idle, the next join opens a connection and joins; closed so again with the room, it reconnects and rejoins', async () => {
  const { server, bus } = await withoutUser();
  closeForNoToken(server);
  assert.equal(bus.state, 'idle');
  const joining = bus.join('r1');
  assert.equal(bus.state, 'reconnecting');
  await server.socketNumber(2);
  server.open();
  const join = await server.request('session.join');
  assert.deepEqual(join.body, { sessionId: 'r1' });
  assert.ok(server.socket.sent.some((f) => f.type === 'register' && f.address === 'room.r1'));
  server.reply(join, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1' });
  assert.equal((await joining).sessionId, 'r1');
  assert.equal(bus.state, 'connected');
  closeForNoToken(server);
  assert.equal(bus.state, 'reconnecting');
  await server.socketNumber(3);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  bus.close();
});

test('idle, a request opens a connection and goes out on it', async () => {
  const { server, bus } = await withoutUser();
  closeForNoToken(server);
  assert.equal(bus.state, 'idle');
  const asked = bus.emit('course.status', { sessionId: 'c1' });
  await server.socketNumber(2);
  server.open();
  server.reply(await server.request('course.status'), { sessionId: 'c1', status: 'running' });
  assert.deepEqual(await asked, { sessionId: 'c1', status: 'running' });
  bus.close();
});

test('over SockJS the err frame before the close says why: idle all the same', async () => {
  const { server, bus } = await withoutUser();
  const errors = [];
  bus.on('error', (e) => errors.push(e));
  server.push({ type: 'err', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'no valid token presented', body: 'no_token' });
  server.socket.onclose({ code: 3000, reason: 'Go away!' });
  assert.equal(bus.state, 'idle');
  assert.deepEqual(errors, [], 'not an error of the app');
  await new Promise((r) => setTimeout(r, 5 * FAST.maxDelayMs));
  assert.equal(server.sockets.length, 1, 'no reconnect attempt');
  bus.close();
});

/** The server's notice that it closes a socket whose token expired, then the close (SockJS's 3000). */
function closeForExpiredToken(server) {
  server.push({ type: 'err', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'the token expired', body: 'token_expired' });
  server.socket.onclose({ code: 3000, reason: 'Go away!' });
}

test('with getToken, a token is renewed before it expires and presented on a ping', async () => {
  const server = new FakeServer();
  const expiresAt = Math.floor(Date.now() / 1000) + 2; // 1 to 2 s from now: renewed after 1 to 1.6 s
  const tokens = [jwt({ sub: 'ann', role: 'learner', exp: expiresAt }), jwt({ sub: 'ann', role: 'learner', exp: expiresAt + 3600 })];
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => tokens[Math.min(calls++, 1)], SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  server.open();
  const renewal = await server.frame((f) => f.type === 'ping' && f.headers);
  assert.ok(Date.now() < expiresAt * 1000, 'before the first token expired');
  assert.equal(renewal.headers.authorization, 'Bearer ' + tokens[1]);
  assert.equal(calls, 2);
  assert.equal(server.sockets.length, 1, 'on the same connection');
  bus.close();
});

test('a token valid for 30 days is not renewed at once (a delay past setTimeout\'s limit would fire at once)', async () => {
  const server = new FakeServer();
  const exp = Math.floor(Date.now() / 1000) + 30 * 86400;
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => (calls++, jwt({ sub: 'ann', exp })), SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  server.open();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls, 1);
  assert.ok(!server.socket.sent.some((f) => f.type === 'ping' && f.headers), 'no renewal ping');
  bus.close();
});

/** Lets the promise callbacks run while the test's mock timers stand still (setImmediate is not mocked). */
const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
  }
};

test('a long-lived token is renewed a minute before it expires; a renewal that brings no later expiry waits the reconnect backoff', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const server = new FakeServer();
  const exp = 1_700_000_000 + 30 * 86400;
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => (calls++, jwt({ sub: 'ann', exp })), SockJS: server.SockJS,
    pingIntervalMs: 2 ** 31 - 1, reconnect: { initialDelayMs: 100_000, maxDelayMs: 100_000, maxAttempts: 5, jitter: 0 } });
  await settle();
  server.open();
  t.mock.timers.tick(2 ** 31 - 1); // the longest step a timer takes: waits again, no renewal
  t.mock.timers.tick(30 * 86400_000 - 61_000 - (2 ** 31 - 1));
  await settle();
  assert.equal(calls, 1);
  t.mock.timers.tick(2_000);
  await settle();
  assert.equal(calls, 2, 'renewed a minute ahead');
  t.mock.timers.tick(58_000); // the same expiry came back: the next try waits 100 s, past the expiry
  await settle();
  assert.equal(calls, 2);
  bus.close();
});

test('closed because its token expired, a client with getToken reconnects with a new token and rejoins', async () => {
  const server = new FakeServer();
  const tokens = [jwt({ sub: 'ann', role: 'learner', n: 1 }), jwt({ sub: 'ann', role: 'learner', n: 2 })];
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => tokens[Math.min(calls++, 1)], SockJS: server.SockJS, reconnect: FAST, receiveUser: false });
  await server.socketNumber(1);
  server.open();
  const joining = bus.join('r1');
  server.reply(await server.request('session.join'), { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1' });
  await joining;
  const errors = [];
  bus.on('error', (e) => errors.push(e));
  closeForExpiredToken(server);
  assert.equal(bus.state, 'reconnecting');
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  assert.equal(rejoin.headers.authorization, 'Bearer ' + tokens[1]);
  assert.deepEqual(errors, [], 'not an error of the app');
  bus.close();
});

test('closed because its token expired, a client registered on its user address reconnects though it joined nothing', async () => {
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', getToken: async () => jwt({ sub: 'ann', role: 'learner' }), SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  server.open();
  closeForExpiredToken(server);
  assert.equal(bus.state, 'reconnecting');
  await server.socketNumber(2);
  server.open();
  assert.ok((await server.frame((f) => f.type === 'register')).address === 'user.ann');
  bus.close();
});

test('closed because its fixed token expired, a client fails and does not reconnect', async () => {
  const { server, bus } = await connected();
  const joining = bus.join('r1');
  await server.request('session.join');
  closeForExpiredToken(server);
  assert.equal(bus.state, 'failed');
  await assert.rejects(joining, (e) => e instanceof SkillbusError);
  await new Promise((r) => setTimeout(r, 5 * FAST.maxDelayMs));
  assert.equal(server.sockets.length, 1, 'no reconnect attempt');
  bus.close();
});

test('a 401 gets a new token from getToken and the request is sent once more', async () => {
  const server = new FakeServer();
  const tokens = [jwt({ sub: 'ann', n: 1 }), jwt({ sub: 'ann', n: 2 })];
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => tokens[Math.min(calls++, 1)], SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  server.open();
  const reply = bus.emit('notes.create', {});
  const first = await server.request('notes.create');
  assert.equal(first.headers.authorization, 'Bearer ' + tokens[0]);
  const sentBefore = server.socket.sent.length;
  server.fail(first, 401, 'token expired');
  const second = await server.request('notes.create', sentBefore);
  assert.equal(second.headers.authorization, 'Bearer ' + tokens[1]);
  server.reply(second, { ok: true });
  assert.deepEqual(await reply, { ok: true });
  assert.equal(calls, 2);
  bus.close();
});

test('a reply that comes after its request timed out is dropped: no event, no error, no token fetched', async () => {
  const server = new FakeServer();
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => (calls++, jwt({ sub: 'ann' })), SockJS: server.SockJS, reconnect: FAST, requestTimeoutMs: 30 });
  const seen = [];
  bus.onAny((event) => seen.push(event));
  bus.on('error', (e) => seen.push('error:' + e.code));
  await server.socketNumber(1);
  server.open();
  const asking = bus.emit('course.status', { sessionId: 'c1' });
  const status = await server.request('course.status');
  const refusing = bus.emit('notes.create', {});
  const create = await server.request('notes.create');
  await assert.rejects(asking, (e) => e.code === 503);
  await assert.rejects(refusing, (e) => e.code === 503);
  const from = server.socket.sent.length;
  server.reply(status, { sessionId: 'c1', status: 'running' });
  server.fail(create, 401, 'token expired');
  await tick();
  assert.deepEqual(seen, []);
  assert.equal(calls, 1);
  assert.deepEqual(server.socket.sent.slice(from), []);
  bus.close();
});

test('a request that timed out or was closed while its new token was fetched after a 401 is not sent again', async () => {
  const server = new FakeServer();
  const tokens = heldTokens(jwt({ sub: 'ann', n: 2 }));
  let calls = 0;
  const getToken = () => (++calls === 1 ? Promise.resolve(jwt({ sub: 'ann', n: 1 })) : tokens.getToken());
  const bus = connect({ url: 'http://test', getToken, SockJS: server.SockJS, reconnect: FAST, requestTimeoutMs: 50 });
  await server.socketNumber(1);
  server.open();
  const timingOut = bus.emit('session.message', { sessionId: 'r1', text: 'hi' });
  const closing = bus.emit('notes.create', {}, { timeoutMs: 10_000 });
  const first = await server.request('session.message');
  const second = await server.request('notes.create');
  const from = server.socket.sent.length;
  server.fail(first, 401, 'token expired');
  server.fail(second, 401, 'token expired');
  await assert.rejects(timingOut, (e) => e.code === 503); // no reply in time: the app may send it again
  bus.close();
  await assert.rejects(closing, (e) => e.code === 503);
  bus.open();
  tokens.held.forEach((release) => release());
  await server.socketNumber(2);
  server.open();
  await tick();
  assert.deepEqual(server.sockets[0].sent.slice(from).filter((f) => f.type === 'send'), []);
  assert.ok(!server.socket.sent.some((f) => f.type === 'send'), 'nothing sent on the new connection');
  bus.close();
});

test('a token for another user (signed out and in) connects again as that user, and the request goes out there', async () => {
  const server = new FakeServer();
  let user = 'ann';
  const bus = connect({ url: 'http://test', getToken: async () => jwt({ sub: user }), SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  server.open();
  user = 'bob';
  const asking = bus.emit('notes.create', {});
  server.fail(await server.request('notes.create'), 401, 'token expired');
  await server.socketNumber(2);
  assert.ok(server.sockets[0].closed, 'the first user\'s socket is closed');
  assert.ok(!server.sockets[0].sent.some((f) => f.headers?.authorization === 'Bearer ' + jwt({ sub: 'bob' })), 'bob\'s token never on ann\'s socket');
  assert.equal(bus.user.id, 'bob');
  server.open();
  assert.equal((await server.frame((f) => f.type === 'register')).address, 'user.bob');
  const again = await server.request('notes.create');
  assert.equal(again.headers.authorization, 'Bearer ' + jwt({ sub: 'bob' }));
  server.reply(again, { id: 'n1' });
  assert.deepEqual(await asking, { id: 'n1' });
  bus.close();
});

test('a refused join rejects with its code and leaves the room', async () => {
  const { server, bus } = await connected();
  const joining = bus.join('bad');
  server.fail(await server.request('session.join'), 403, 'not allowed');
  await assert.rejects(joining, (e) => e.code === 403);
  assert.deepEqual(bus.rooms, []);
  assert.ok(server.socket.sent.some((f) => f.type === 'unregister' && f.address === 'room.bad'));
  bus.close();
});

test('a join whose register is refused (429 at the handler limit) rejects, and the room is left', async () => {
  const { server, bus } = await connected();
  const errors = [];
  bus.on('error', (e) => errors.push(e.code));
  const joining = bus.join('r64');
  const join = await server.request('session.join');
  server.push({ type: 'err', address: 'room.r64', failureCode: 429, failureType: 'RECIPIENT_FAILURE', message: 'at most 64 handlers per connection' });
  await assert.rejects(joining, (e) => e.code === 429 && e.sessionId === 'r64');
  const leave = await server.request('session.leave');
  assert.deepEqual(leave.body, { sessionId: 'r64' });
  server.reply(join, { sessionId: 'r64', participants: [], seq: 1, epoch: 'e1' });
  server.reply(leave, { sessionId: 'r64' });
  await tick();
  assert.deepEqual(bus.rooms, []);
  assert.deepEqual(errors, [], 'the rejected join says it');
  bus.close();
});

test('a first join with no reply in time rejects with 503 and is left on the server, where it may have been applied', async () => {
  const { server, bus } = await connected({ requestTimeoutMs: 30 });
  const joining = bus.join('r1');
  await server.request('session.join');
  await assert.rejects(joining, (e) => e.code === 503);
  const leave = await server.request('session.leave');
  assert.deepEqual(leave.body, { sessionId: 'r1' });
  assert.deepEqual(bus.rooms, []);
  bus.close();
});

test('join with since: 0 delivers the whole history first (a late joiner)', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.on('course_generation_update', (data, envelope) => seen.push(envelope.seq));
  const joining = bus.join('course-1', { since: 0 });
  const request = await server.request('session.join');
  assert.deepEqual(request.body, { sessionId: 'course-1', since: 0 });
  const missed = [1, 2, 3].map((seq) => ({ event: 'course_generation_update', room: 'course-1', seq, epoch: 'e', data: {} }));
  server.reply(request, { sessionId: 'course-1', participants: [], seq: 3, epoch: 'e', missed, recovered: true });
  await joining;
  assert.deepEqual(seen, [1, 2, 3]);
  bus.close();
});

test('backoff doubles from the initial delay, stays under the maximum, and spreads by the jitter', () => {
  const settings = { initialDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 5, jitter: 0.5 };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, settings, () => 0.5)), [1000, 2000, 4000, 5000, 5000]);
  assert.equal(backoffDelay(1, settings, () => 0), 500);
  assert.equal(backoffDelay(1, settings, () => 0.999999), 1500);
  assert.equal(backoffDelay(3, settings, () => 0.999999), 5000);
});

test('reads the claims of a token', () => {
  assert.deepEqual(tokenClaims(jwt({ sub: 'zoë', role: 'agent' })), { sub: 'zoë', role: 'agent' });
  assert.equal(tokenClaims('nonsense'), null);
});

test('a rejoin answered 503 after a reconnect is tried again; one refused with 403 says error and leaves the room', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const errors = [];
  bus.on('error', (e) => errors.push(e.code + ':' + e.sessionId));
  server.drop();
  await server.socketNumber(2);
  server.open();
  const first = await server.request('session.join');
  const from = server.socket.sent.length;
  server.fail(first, 503, 'no session service');
  const again = await server.request('session.join', from);
  server.reply(again, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1', missed: [], recovered: true });
  await tick();
  server.event('r1', 'message', 7);
  assert.deepEqual(events, [7]);
  assert.deepEqual(bus.rooms.map((r) => r.sessionId), ['r1']);
  assert.equal(errors.length, 0);

  server.drop();
  await server.socketNumber(3);
  server.open();
  const refused = await server.request('session.join');
  server.fail(refused, 403, 'room r1 is private');
  await tick();
  assert.deepEqual(errors, ['403:r1']);
  assert.equal(bus.rooms.length, 0);
  assert.ok(server.socket.sent.some((f) => f.type === 'unregister' && f.address === 'room.r1'));
  bus.close();
});

test('requests made while reconnecting wait for a rejoin that is tried again after a 503', async () => {
  const { server, bus } = await joined('r1', 5);
  server.drop();
  const message = bus.emit('session.message', { sessionId: 'r1', text: 'x' });
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  const from = server.socket.sent.length;
  server.fail(rejoin, 503, 'a member left');
  const again = await server.request('session.join', from);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.message'), 'waits for the room');
  server.reply(again, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1', missed: [], recovered: true });
  server.reply(await server.request('session.message'), { sessionId: 'r1', seq: 6 });
  assert.deepEqual(await message, { sessionId: 'r1', seq: 6 });
  bus.close();
});

test('live events while a rejoin waits to be tried again are held back for it, not filled from history', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const log = [];
  bus.on('reset', (r) => log.push('reset:' + r.reason));
  bus.on('error', (e) => log.push('error:' + e.code));
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  const from = server.socket.sent.length;
  server.fail(rejoin, 503, 'a member left');
  await tick();
  server.event('r1', 'message', 8); // live: the socket is registered on the room, not yet in it
  const again = await server.request('session.join', from);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.history'), 'no gap fill');
  assert.deepEqual(again.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.reply(again, { sessionId: 'r1', participants: [], seq: 8, epoch: 'e1', missed: envelopes('r1', [6, 7, 8]), recovered: true });
  await tick();
  server.event('r1', 'message', 9);
  assert.deepEqual(events, [6, 7, 8, 9]);
  assert.deepEqual(log, []);
  bus.close();
});

test('events of a room being left are not delivered', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const leaving = bus.leave('r1');
  const request = await server.request('session.leave');
  server.event('r1', 'user-left', 6);
  server.reply(request, { sessionId: 'r1' });
  await leaving;
  assert.deepEqual(events, []);
  bus.close();
});

test('a leave unregisters before it sends session.leave: its reply comes after the room\'s last event', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const leaving = bus.leave('r1');
  const request = await server.request('session.leave');
  const frames = server.socket.sent.map((f) => f.type + ':' + f.address);
  assert.deepEqual(frames.slice(-2), ['unregister:room.r1', 'send:session.leave']);
  server.event('r1', 'message', 6); // sent before the server took the unregister
  server.reply(request, { sessionId: 'r1' });
  await leaving;
  assert.deepEqual(events, []);
  bus.close();
});

test('join() while a leave of the room is on its way goes out once the leave is answered, and the room stays registered', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data, envelope) => seen.push(envelope.seq));
  const first = bus.join('r1').catch((e) => e.code);
  const firstJoin = await server.request('session.join');
  const leaving = bus.leave('r1');
  const second = bus.join('r1');
  const leave = await server.request('session.leave');
  const from = server.socket.sent.length;
  await tick();
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.join').length, 1, 'waits for the leave');
  server.reply(firstJoin, { sessionId: 'r1', participants: [], seq: 3, epoch: 'e1' });
  server.reply(leave, { sessionId: 'r1' });
  const join = await server.request('session.join', from);
  server.reply(join, { sessionId: 'r1', participants: [], seq: 3, epoch: 'e1' });
  assert.equal(await first, 409);
  assert.equal((await second).seq, 3);
  await leaving;
  const frames = server.socket.sent.map((f) => f.type + ':' + f.address).filter((f) => !f.includes('user.'));
  assert.deepEqual(frames, ['register:room.r1', 'send:session.join', 'unregister:room.r1', 'send:session.leave',
    'register:room.r1', 'send:session.join']);
  server.event('r1', 'message', 4);
  assert.deepEqual(seen, [4]);
  bus.close();
});

test('leave() while reconnecting sends nothing (the closed connection left the room), and a join() after it joins afresh', async () => {
  const { server, bus } = await joined('r1', 5);
  server.drop();
  let left = null;
  bus.leave('r1').then((reply) => (left = reply));
  await tick();
  assert.deepEqual(left, { sessionId: 'r1' });
  assert.deepEqual(bus.rooms, []);
  const joining = bus.join('r1');
  await server.socketNumber(2);
  server.open();
  const join = await server.request('session.join');
  assert.deepEqual(join.body, { sessionId: 'r1' });
  server.reply(join, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1' });
  assert.equal((await joining).seq, 6);
  await tick();
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.leave' || f.type === 'unregister'));
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 6, epoch: 'e1' }]);
  bus.close();
});

test('close() rejects the joins and requests still waiting, and join() after it rejects at once', async () => {
  const { server, bus } = await connected();
  const joining = bus.join('r1');
  await server.request('session.join');
  server.drop();
  const queued = bus.emit('notes.create', {});
  bus.close();
  await assert.rejects(joining, (e) => e.code === 503);
  await assert.rejects(queued, (e) => e.code === 503);
  await assert.rejects(bus.join('r2'), (e) => e.code === 503);
  assert.equal(bus.rooms.length, 0, 'a room never joined is not joined by a later open()');
});

test('a gap fill whose history started again says reset and goes on from the new position', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.sessionId + ':' + r.reason));
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  server.reply(history, { events: [], seq: 3, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 4, {}, 'e2');
  assert.deepEqual(resets, ['r1:epoch']);
  assert.deepEqual(events, [4]);
  bus.close();
});

test('events held during a gap fill go on by epoch: the old epoch first, then the new once the history names it', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.sessionId + ':' + r.reason));
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  // While the fill is under way the room's history starts again on the server (epoch e2).
  server.event('r1', 'message', 9);
  server.event('r1', 'message', 1, {}, 'e2');
  server.event('r1', 'message', 2, {}, 'e2');
  const from = server.socket.sent.length;
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 9, epoch: 'e1', complete: true });
  // e2 is new to the client: the room's history says it is the current epoch.
  const again = await server.request('session.history', from);
  assert.deepEqual(again.body, { sessionId: 'r1', since: 9, epoch: 'e1' });
  server.reply(again, { events: [], seq: 2, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 3, {}, 'e2');
  server.event('r1', 'message', 10, {}, 'e1'); // late, of the history that ended
  assert.deepEqual(events, [6, 7, 8, 9, 1, 2, 3]);
  assert.deepEqual(resets, ['r1:epoch']);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 3, epoch: 'e2' }]);
  bus.close();
});

test('a late event of an epoch older than the room\'s is dropped, with no reset, once the history names the current epoch', async () => {
  const { server, bus } = await connected();
  const events = [];
  const resets = [];
  bus.onAny((name, data, envelope) => events.push(envelope.epoch + ':' + envelope.seq));
  bus.on('reset', (r) => resets.push(r.reason));
  const joining = bus.join('r1');
  server.reply(await server.request('session.join'), { sessionId: 'r1', participants: [], seq: 2, epoch: 'e2' });
  await joining;
  server.event('r1', 'message', 9, {}, 'e1'); // sent before the room's history started again, late from another node
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 2, epoch: 'e2' });
  server.event('r1', 'message', 3, {}, 'e2');
  server.reply(history, { events: [], seq: 2, epoch: 'e2', complete: true });
  await tick();
  server.event('r1', 'message', 10, {}, 'e1');
  server.event('r1', 'message', 4, {}, 'e2');
  assert.deepEqual(events, ['e2:3', 'e2:4']);
  assert.deepEqual(resets, []);
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.history').length, 1, 'the retired epoch is not asked about again');
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 4, epoch: 'e2' }]);
  bus.close();
});

test('a live change of epoch says reset once and goes on with the new epoch\'s events; a late event of the old epoch changes nothing', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', 1, {}, 'e2'); // the room's history was lost on the server and started again
  const history = await server.request('session.history');
  assert.deepEqual(history.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.reply(history, { events: [], seq: 1, epoch: 'e2', complete: false });
  await tick();
  server.event('r1', 'message', 6, {}, 'e1'); // late from another node
  server.event('r1', 'message', 2, {}, 'e2');
  assert.deepEqual(resets, ['epoch']);
  assert.deepEqual(events, [1, 2]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 2, epoch: 'e2' }]);
  bus.close();
});

test('an epoch asked about when the connection dropped is asked about again, not taken as the new one', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', 9, {}, 'e0'); // late, of a history that ended before e1
  await server.request('session.history');
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1', missed: [], recovered: true });
  await tick();
  const from = server.socket.sent.length;
  server.event('r1', 'message', 10, {}, 'e0');
  const again = await server.request('session.history', from);
  server.reply(again, { events: [], seq: 5, epoch: 'e1', complete: true });
  await tick();
  server.event('r1', 'message', 6, {}, 'e1');
  assert.deepEqual(resets, []);
  assert.deepEqual(events, [6]);
  bus.close();
});

test('an event of a new epoch whose history cannot be read is taken as the new epoch, with reset', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  const errors = [];
  bus.on('error', (e) => errors.push(e.code));
  server.event('r1', 'message', 8, {}, 'e2'); // a seq past the room's next one: no gap, another epoch
  server.fail(await server.request('session.history'), 503, 'store down');
  await tick();
  server.event('r1', 'message', 9, {}, 'e2');
  assert.deepEqual(errors, [503]);
  assert.deepEqual(resets, ['epoch']);
  assert.deepEqual(events, [8, 9]);
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.history').length, 1);
  bus.close();
});

test('a register refused with 401 is sent again with a new token once, not again and again', async () => {
  const server = new FakeServer();
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => jwt({ sub: 'ann', n: ++calls > 2 ? 2 : calls }),
    SockJS: server.SockJS, reconnect: FAST });
  const errors = [];
  bus.on('error', (e) => errors.push(e.code));
  await server.socketNumber(1);
  server.open();
  for (let i = 0; i < 5; i++) {
    await server.frame((f) => f.type === 'register' && f.address === 'user.ann', 0);
    server.push({ type: 'err', address: 'user.ann', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'bad token' });
    await tick();
  }
  await tick();
  const registers = server.socket.sent.filter((f) => f.type === 'register' && f.address === 'user.ann').length;
  assert.ok(registers <= 3, 'registers sent: ' + registers);
  assert.ok(calls <= 3, 'tokens fetched: ' + calls);
  assert.ok(errors.includes(401));
  bus.close();
});

test('a register refused with 401 again after a fresh token gets no third token however new each is, and the app hears the 401', async () => {
  const server = new FakeServer();
  let calls = 0;
  // An auth server hands out a new string on every call, each refused (another secret, say).
  const bus = connect({ url: 'http://test', getToken: async () => jwt({ sub: 'ann', n: ++calls }), SockJS: server.SockJS, reconnect: FAST });
  const errors = [];
  bus.on('error', (e) => errors.push(e.code));
  await server.socketNumber(1);
  server.open();
  const registers = () => server.socket.sent.filter((f) => f.type === 'register' && f.address === 'user.ann');
  for (let refused = 0; refused < 2; refused++) {
    await server.frame((f) => f === registers()[refused]);
    server.push({ type: 'err', address: 'user.ann', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'bad token' });
    for (let i = 0; i < 5; i++) {
      await tick();
    }
  }
  assert.equal(registers().length, 2, 'the register and its one retry');
  assert.equal(calls, 2, 'the first token and one fresh one');
  assert.deepEqual(errors, [401]);
  bus.close();
});

test('join() while a gap fill is under way is answered by a join of its own once the fill is done', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 8);
  const history = await server.request('session.history');
  const from = server.socket.sent.length;
  const again = bus.join('r1');
  await tick();
  assert.ok(!server.socket.sent.slice(from).some((f) => f.address === 'session.join'), 'waits for the fill');
  server.reply(history, { events: [6, 7, 8].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} })), seq: 8, epoch: 'e1', complete: true });
  const join = await server.request('session.join', from);
  assert.deepEqual(join.body, { sessionId: 'r1', since: 8, epoch: 'e1' });
  server.reply(join, { sessionId: 'r1', participants: [], seq: 8, epoch: 'e1', missed: [], recovered: true });
  assert.equal((await again).seq, 8);
  assert.deepEqual(events, [6, 7, 8]);
  bus.close();
});

test('join() with since while a gap fill is under way asks from that since once the fill is done', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 7, {}, 'e1');
  const history = await server.request('session.history');
  const from = server.socket.sent.length;
  const again = bus.join('r1', { since: 0 });
  server.reply(history, { events: [], seq: 2, epoch: 'e2', complete: false });
  const join = await server.request('session.join', from);
  assert.deepEqual(join.body, { sessionId: 'r1', since: 0, epoch: 'e2' });
  const missed = [1, 2].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e2', data: {} }));
  server.reply(join, { sessionId: 'r1', participants: [], seq: 2, epoch: 'e2', missed, recovered: true });
  assert.equal((await again).epoch, 'e2');
  assert.deepEqual(events, [1, 2]);
  bus.close();
});

test('join() with since while a join of the room is on its way goes out after it, and answers both', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data, envelope) => seen.push(envelope.seq));
  const first = bus.join('c1');
  const request = await server.request('session.join');
  const from = server.socket.sent.length;
  const second = bus.join('c1', { since: 0 });
  server.reply(request, { sessionId: 'c1', participants: [], seq: 2, epoch: 'e' });
  const again = await server.request('session.join', from);
  assert.deepEqual(again.body, { sessionId: 'c1', since: 0, epoch: 'e' });
  const missed = [1, 2].map((seq) => ({ event: 'message', room: 'c1', seq, epoch: 'e', data: {} }));
  server.reply(again, { sessionId: 'c1', participants: [], seq: 2, epoch: 'e', missed, recovered: true });
  assert.deepEqual([(await first).missed.length, (await second).missed.length], [2, 2]);
  assert.deepEqual(seen, [1, 2]);
  bus.close();
});

test('open() on a connected or connecting client keeps its connection and what is in flight on it', async () => {
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', token: jwt({ sub: 'ann' }), SockJS: server.SockJS, reconnect: FAST });
  await server.socketNumber(1);
  bus.open();
  await tick();
  assert.equal(server.sockets.length, 1, 'no second connection while connecting');
  server.open();
  const reply = bus.emit('notes.create', {});
  const joining = bus.join('r1');
  const request = await server.request('notes.create');
  const join = await server.request('session.join');
  bus.open();
  await tick();
  assert.equal(server.sockets.length, 1, 'no second connection while connected');
  assert.equal(bus.state, 'connected');
  server.reply(request, { id: 'n1' });
  server.reply(join, { sessionId: 'r1', participants: [], seq: 1, epoch: 'e1' });
  assert.deepEqual(await reply, { id: 'n1' });
  assert.equal((await joining).seq, 1);
  bus.close();
});

test('a first join holds the events that come before its reply: those up to its seq are in its state, later ones follow it', async () => {
  const { server, bus } = await connected();
  const events = [];
  bus.onAny((name, data, envelope) => events.push(envelope.seq === undefined ? name : envelope.seq));
  const joining = bus.join('r1');
  const request = await server.request('session.join');
  server.event('r1', 'user-joined', 5); // published on another node before the reply was made
  server.event('r1', 'message', 6); // published after it, but here first
  server.push({ type: 'rec', address: 'room.r1', body: { event: 'cursor-moved', room: 'r1', data: {} } });
  server.reply(request, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1' });
  await joining;
  server.event('r1', 'message', 6);
  server.event('r1', 'message', 7);
  // The volatile event that came before the reply follows it, once the join's caller has its reply.
  await until(() => events.length === 3);
  assert.deepEqual(events, [6, 7, 'cursor-moved']);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.history'), 'no gap to fill');
  bus.close();
});

test('open() while a reconnect attempt waits for its token starts no second attempt', async () => {
  const server = new FakeServer();
  const token = jwt({ sub: 'ann' });
  const tokens = heldTokens(token);
  const bus = connect({ url: 'http://test', getToken: tokens.getToken, SockJS: server.SockJS, reconnect: FAST });
  await until(() => tokens.held.length === 1);
  tokens.held[0]();
  await server.socketNumber(1);
  server.open();
  server.drop();
  await until(() => tokens.held.length === 2);
  assert.equal(bus.state, 'reconnecting');
  bus.open();
  tokens.held[1]();
  await server.socketNumber(2);
  server.open();
  const reply = bus.emit('notes.create', {});
  server.reply(await server.request('notes.create'), { id: 'n1' });
  assert.deepEqual(await reply, { id: 'n1' });
  assert.equal(server.sockets.length, 2, 'one socket for the one attempt');
  assert.equal(bus.state, 'connected');
  bus.close();
});

test('a getToken that never answers counts as a failed attempt after connectTimeoutMs: the next one asks again', async () => {
  const server = new FakeServer();
  const token = jwt({ sub: 'ann' });
  let calls = 0;
  const getToken = () => (++calls === 1 ? new Promise(() => {}) : Promise.resolve(token));
  const states = [];
  const bus = connect({ url: 'http://test', getToken, SockJS: server.SockJS, reconnect: FAST, connectTimeoutMs: 200 });
  bus.on('state', (s) => states.push(s.state));
  const joining = bus.join('r1');
  await server.socketNumber(1);
  assert.equal(calls, 2);
  assert.deepEqual(states, ['connecting', 'reconnecting', 'connecting']);
  server.open();
  server.reply(await server.request('session.join'), { sessionId: 'r1', participants: [], seq: 1, epoch: 'e1' });
  assert.equal((await joining).seq, 1);
  bus.close();
});

test('a getToken that never answers: after maxAttempts the client fails and the join rejects', async () => {
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', getToken: () => new Promise(() => {}), SockJS: server.SockJS, reconnect: FAST, connectTimeoutMs: 20 });
  await assert.rejects(bus.join('r1'), (e) => e.code === 503);
  assert.equal(bus.state, 'failed');
  assert.equal(server.sockets.length, 0);
  bus.close();
});

test('close() and open() while a connect waits for its token: the first attempt gives up its socket', async () => {
  const server = new FakeServer();
  const tokens = heldTokens(jwt({ sub: 'ann' }));
  const bus = connect({ url: 'http://test', getToken: tokens.getToken, SockJS: server.SockJS, reconnect: FAST });
  await until(() => tokens.held.length === 1);
  bus.close();
  bus.open();
  tokens.held.forEach((release) => release());
  await server.socketNumber(2);
  assert.ok(server.sockets[0].closed, 'the socket of the closed attempt is closed');
  assert.ok(!server.sockets[1].closed);
  server.open();
  const reply = bus.emit('notes.create', {});
  server.reply(await server.request('notes.create'), { id: 'n1' });
  assert.deepEqual(await reply, { id: 'n1' });
  assert.equal(bus.state, 'connected');
  bus.close();
});

test('a join with since that close() rejected leaves no since behind: the rejoin after open() goes on from the last seq', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 6);
  server.drop();
  const again = bus.join('r1', { since: 0 });
  bus.close();
  await assert.rejects(again, (e) => e.code === 503);
  bus.open();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 6, epoch: 'e1' });
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1', missed: [], recovered: true });
  await tick();
  assert.deepEqual(events, [6]);
  bus.close();
});

test('the events after a join reply\'s seq reach the listeners before join() resolves', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data, envelope) => seen.push(name + ':' + envelope.seq));
  const joining = bus.join('r1').then((reply) => seen.push('resolved:' + reply.seq));
  const request = await server.request('session.join');
  server.event('r1', 'user-joined', 6); // another node's newcomer, here before the reply
  server.reply(request, { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1' });
  await joining;
  assert.deepEqual(seen, ['user-joined:6', 'resolved:5']);
  bus.close();
});

test('join() without since while a join of the room is on its way sends nothing more and resolves with that reply', async () => {
  const { server, bus } = await connected();
  const first = bus.join('r1');
  const request = await server.request('session.join');
  const second = bus.join('r1');
  await tick();
  server.reply(request, { sessionId: 'r1', participants: [], seq: 3, epoch: 'e1' });
  assert.deepEqual([(await first).seq, (await second).seq], [3, 3]);
  await tick();
  assert.equal(server.socket.sent.filter((f) => f.address === 'session.join').length, 1);
  bus.close();
});

test('join() with since on a joined room delivers every event after since again, those delivered already included', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 6);
  const from = server.socket.sent.length;
  const again = bus.join('r1', { since: 4 });
  const join = await server.request('session.join', from);
  assert.deepEqual(join.body, { sessionId: 'r1', since: 4, epoch: 'e1' });
  const missed = [5, 6].map((seq) => ({ event: 'message', room: 'r1', seq, epoch: 'e1', data: {} }));
  server.reply(join, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1', missed, recovered: true });
  await again;
  server.event('r1', 'message', 7);
  assert.deepEqual(events, [6, 5, 6, 7]);
  bus.close();
});

/** Durable `message` envelopes of `room` with these seqs, as the server stores them. */
function envelopes(room, seqs, epoch = 'e1') {
  return seqs.map((seq) => ({ event: 'message', room, seq, epoch, ts: 't', data: {} }));
}

test('a gap fill follows more: it reads the following pages before the later events', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.event('r1', 'message', 10);
  const first = await server.request('session.history');
  assert.deepEqual(first.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  const from = server.socket.sent.length;
  server.reply(first, { events: envelopes('r1', [6, 7]), seq: 10, epoch: 'e1', complete: true, more: true });
  const second = await server.request('session.history', from);
  assert.deepEqual(second.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  server.event('r1', 'message', 11); // live while the pages are read: held back
  assert.deepEqual(events, [6, 7]);
  server.reply(second, { events: envelopes('r1', [8, 9, 10]), seq: 11, epoch: 'e1', complete: true, more: false });
  await tick();
  server.event('r1', 'message', 12);
  assert.deepEqual(events, [6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(resets, []);
  bus.close();
});

test('a rejoin whose reply says more reads the rest from session.history before the live events and the waiting requests', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.event('r1', 'message', 10); // live, before the reply
  const from = server.socket.sent.length;
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [6, 7]), recovered: true, more: true });
  const page = await server.request('session.history', from);
  assert.deepEqual(page.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  const message = bus.emit('session.message', { sessionId: 'r1', text: 'after' });
  server.event('r1', 'message', 11);
  await tick();
  assert.deepEqual(events, [6, 7]);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.message'), 'waits until the room has caught up');
  server.reply(page, { events: envelopes('r1', [8, 9, 10]), seq: 10, epoch: 'e1', complete: true, more: false });
  server.reply(await server.request('session.message'), { sessionId: 'r1', seq: 12 });
  assert.deepEqual(await message, { sessionId: 'r1', seq: 12 });
  assert.deepEqual(events, [6, 7, 8, 9, 10, 11]);
  bus.close();
});

test('join() with since resolves once every page of what it asked for is delivered, in order', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.onAny((name, data, envelope) => seen.push(envelope.seq));
  const joining = bus.join('c1', { since: 0 }).then((reply) => {
    seen.push('resolved');
    return reply;
  });
  const request = await server.request('session.join');
  const from = server.socket.sent.length;
  server.reply(request, { sessionId: 'c1', participants: [], seq: 5, epoch: 'e', missed: envelopes('c1', [1, 2], 'e'), recovered: true, more: true });
  const second = await server.request('session.history', from);
  assert.deepEqual(second.body, { sessionId: 'c1', since: 2, epoch: 'e' });
  const more = server.socket.sent.length;
  server.reply(second, { events: envelopes('c1', [3, 4], 'e'), seq: 5, epoch: 'e', complete: true, more: true });
  const third = await server.request('session.history', more);
  assert.deepEqual(third.body, { sessionId: 'c1', since: 4, epoch: 'e' });
  await tick();
  assert.deepEqual(seen, [1, 2, 3, 4]);
  server.reply(third, { events: envelopes('c1', [5], 'e'), seq: 5, epoch: 'e', complete: true, more: false });
  assert.equal((await joining).seq, 5);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 'resolved']);
  bus.close();
});

test('a connection lost while pages are read: the rejoin goes on from the last event delivered', async () => {
  const { server, bus, events } = await joined('r1', 5);
  server.event('r1', 'message', 9);
  const first = await server.request('session.history');
  const from = server.socket.sent.length;
  server.reply(first, { events: envelopes('r1', [6, 7]), seq: 9, epoch: 'e1', complete: true, more: true });
  await server.request('session.history', from);
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  assert.deepEqual(rejoin.body, { sessionId: 'r1', since: 7, epoch: 'e1' });
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [8, 9]), recovered: true, more: false });
  await tick();
  server.event('r1', 'message', 10);
  assert.deepEqual(events, [6, 7, 8, 9, 10]);
  bus.close();
});

test('a following page that no longer reaches back says reset and goes on from the history\'s position', async () => {
  const { server, bus, events } = await joined('r1', 5);
  const resets = [];
  bus.on('reset', (r) => resets.push(r.reason));
  server.drop();
  await server.socketNumber(2);
  server.open();
  const rejoin = await server.request('session.join');
  const from = server.socket.sent.length;
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 9, epoch: 'e1', missed: envelopes('r1', [6]), recovered: true, more: true });
  const page = await server.request('session.history', from);
  server.event('r1', 'message', 12);
  server.reply(page, { events: [], seq: 11, epoch: 'e1', complete: false, more: false });
  await tick();
  assert.deepEqual(resets, ['history']);
  assert.deepEqual(events, [6, 12]);
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 12, epoch: 'e1' }]);
  bus.close();
});

test('a state listener attached right after connect() sees the first state, connecting, then the others in order, each once', async () => {
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', token: jwt({ sub: 'ann' }), SockJS: server.SockJS, reconnect: FAST });
  const states = [];
  bus.on('state', (s) => states.push(s.state + ':' + s.attempt));
  bus.on('connecting', (s) => states.push('on ' + s.state));
  assert.equal(bus.state, 'connecting', 'the state itself is current at once');
  await server.socketNumber(1);
  server.open();
  assert.deepEqual(states, ['connecting:0', 'on connecting', 'connected:0']);
  bus.close();
});

test('state changes in the turn that created the client reach its listeners in order, those a listener causes after them', async () => {
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', token: jwt({ sub: 'ann' }), SockJS: server.SockJS, reconnect: FAST });
  const states = [];
  bus.on('state', (s) => states.push(s.state));
  bus.once('disconnected', () => bus.open()); // a listener that changes the state again
  bus.close();
  assert.deepEqual(states, [], 'nothing before the turn ends');
  await tick();
  assert.deepEqual(states, ['connecting', 'disconnected', 'connecting']);
  await server.socketNumber(2);
  assert.ok(server.sockets[0].closed, 'the attempt close() ended gives up its socket');
  server.open();
  assert.deepEqual(states, ['connecting', 'disconnected', 'connecting', 'connected']);
  bus.close();
});

test('a connection closed as soon as it opens counts as a failed attempt: the delay grows, and maxAttempts ends in failed', async () => {
  const { server, bus } = await connected({ reconnect: { initialDelayMs: 5, maxDelayMs: 40, maxAttempts: 3, jitter: 0 } });
  const delays = [];
  bus.on('reconnecting', (s) => s.delayMs !== undefined && delays.push(s.attempt + ':' + s.delayMs));
  server.drop();
  for (let n = 2; n <= 4; n++) {
    await server.socketNumber(n);
    server.open(); // the server accepts the socket, then closes it at once
    server.drop();
  }
  await until(() => bus.state === 'failed' || delays.length > 3);
  assert.deepEqual(delays, ['1:5', '2:10', '3:20']);
  assert.equal(bus.state, 'failed');
  assert.equal(server.sockets.length, 4, 'one connection and three attempts');
  bus.close();
});

test('a connection that stayed open healthyAfterMs proved healthy: after it drops, the attempts count from 1 again', async () => {
  const { server, bus } = await connected({ reconnect: { initialDelayMs: 5, maxDelayMs: 40, maxAttempts: 3, jitter: 0, healthyAfterMs: 30 } });
  const delays = [];
  bus.on('reconnecting', (s) => s.delayMs !== undefined && delays.push(s.attempt + ':' + s.delayMs));
  server.drop();
  await server.socketNumber(2);
  server.open();
  server.drop();
  await server.socketNumber(3);
  server.open();
  await new Promise((r) => setTimeout(r, 60));
  server.drop();
  await server.socketNumber(4);
  assert.deepEqual(delays, ['1:5', '2:10', '1:5']);
  bus.close();
});

/** A notification as the server sends it on user.<id>: its id is the server's, kept when it is delivered again. */
function notify(server, id) {
  const data = { id, type: 'info', message: 'about ' + id, data: null, from: { userId: 'bob', name: 'Bob', role: 'instructor' } };
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', room: null, ts: 't', data } });
}

test('a notification delivered again (queued ones come at least once) is dropped, on the same connection or the next', async () => {
  const { server, bus } = await connected();
  const seen = [];
  bus.on('notification', (n) => seen.push(n.id));
  bus.onAny((event, data) => seen.push('any ' + data.id));
  notify(server, 'n1');
  notify(server, 'n2');
  notify(server, 'n1');
  server.drop();
  await server.socketNumber(2);
  server.open();
  notify(server, 'n2'); // handed out again from the inbox: its acknowledgement was lost
  notify(server, 'n3');
  assert.deepEqual(seen, ['n1', 'any n1', 'n2', 'any n2', 'n3', 'any n3']);
  bus.close();
});

test('a note or item event that comes on user.<id> and in the session room is delivered once, whichever comes first', async () => {
  const { server, bus } = await joined('s1', 5);
  const seen = [];
  bus.on('quickNote:created', (note) => seen.push('note ' + note.id));
  bus.on('actionItem:updated', (item) => seen.push(item.id + ' ' + item.status));
  const note = { id: 'q1', agentId: 'ann', content: 'hi', sessionId: 's1', createdAt: 't1' };
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'quickNote:created', room: null, ts: 't', data: note } });
  server.push({ type: 'rec', address: 'room.s1', body: { event: 'quickNote:created', room: 's1', seq: 6, ts: 't', data: note } });
  // Two updates of one item: different events, each delivered once; the room's copy first this time.
  const done = { id: 'a1', status: 'completed', updatedAt: 't2' };
  const reopened = { id: 'a1', status: 'pending', updatedAt: 't3' };
  server.push({ type: 'rec', address: 'room.s1', body: { event: 'actionItem:updated', room: 's1', seq: 7, ts: 't', data: done } });
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'actionItem:updated', room: null, ts: 't', data: done } });
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'actionItem:updated', room: null, ts: 't', data: reopened } });
  server.push({ type: 'rec', address: 'room.s1', body: { event: 'actionItem:updated', room: 's1', seq: 8, ts: 't', data: reopened } });
  assert.deepEqual(seen, ['note q1', 'a1 completed', 'a1 pending']);
  // The room's history read again, as the page asks with since: delivered again, the note included.
  const from = server.socket.sent.length;
  const rejoining = bus.join('s1', { since: 0 });
  server.reply(await server.request('session.join', from), { sessionId: 's1', participants: [], seq: 8, epoch: 'e1',
    missed: [{ event: 'quickNote:created', room: 's1', seq: 6, epoch: 'e1', ts: 't', data: note }], recovered: true });
  await rejoining;
  assert.deepEqual(seen, ['note q1', 'a1 completed', 'a1 pending', 'note q1']);
  bus.close();
});

test('the ids of notifications delivered are remembered up to rememberNotifications, the oldest forgotten first', async () => {
  const { server, bus } = await connected({ rememberNotifications: 2 });
  const seen = [];
  bus.on('notification', (n) => seen.push(n.id));
  for (const id of ['n1', 'n2', 'n3', 'n1', 'n3']) {
    notify(server, id);
  }
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', data: { message: 'no id' } } });
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', data: { message: 'no id' } } });
  assert.deepEqual(seen, ['n1', 'n2', 'n3', 'n1', undefined, undefined]);
  bus.close();
});
