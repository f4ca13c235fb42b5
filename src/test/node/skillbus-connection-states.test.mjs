// Connection states: reconnect attempts with backoff, failed after maxAttempts, idle when closed for
// want of a token with nothing to do, a connection lost without a close (no frame after a ping), and
// the order in which state listeners hear the changes.
import assert from 'node:assert/strict';
import {
  connect, backoffDelay, FAST, until, jwt, FakeServer, connected, test, tick, settle,
} from './skillbus-harness.mjs';

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

test('joins waiting when the client gives up reject each with its own room\'s sessionId', async () => {
  const { server, bus } = await connected();
  server.drop();
  const rejected = Promise.allSettled([bus.join('r1'), bus.join('r2')]);
  for (let n = 2; n <= 4; n++) {
    await server.socketNumber(n);
    server.drop();
  }
  const [first, second] = await rejected;
  assert.equal(bus.state, 'failed');
  assert.deepEqual([first.reason.code, first.reason.sessionId], [503, 'r1']);
  assert.deepEqual([second.reason.code, second.reason.sessionId], [503, 'r2']);
  bus.close();
});

/** A client with a fixed token on a new FakeServer, the test's timers mocked: connected once it returns. */
async function connectedOnMockTimers(t, options = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const server = new FakeServer();
  const bus = connect({ url: 'http://test', token: jwt({ sub: 'ann' }), SockJS: server.SockJS, reconnect: FAST, ...options });
  await settle();
  server.open();
  await settle();
  return { server, bus };
}

test('a connection on which no frame follows a ping within pongTimeoutMs is lost (a frozen node): closed, and the client reconnects', async (t) => {
  const { server, bus } = await connectedOnMockTimers(t);
  const states = [];
  bus.on('state', (s) => states.push(s.state + (s.reason ? ': ' + s.reason : '')));
  const asking = bus.emit('notes.create', {}, { timeoutMs: 60_000 });
  t.mock.timers.tick(5_000);
  assert.deepEqual(server.socket.sent.at(-1), { type: 'ping', replyAddress: 'skillbus.reply.pong' });
  server.push({ type: 'rec', address: 'skillbus.reply.pong', body: { pong: true } }); // this server answers pings
  t.mock.timers.tick(5_000); // the next ping is the last that anything follows
  t.mock.timers.tick(14_999); // the pings at 15 and 20 s go unanswered too: the one at 10 s is not 15 s old yet
  await settle();
  assert.equal(bus.state, 'connected');
  t.mock.timers.tick(1);
  assert.equal(bus.state, 'reconnecting');
  assert.ok(server.sockets[0].closed, 'the dead socket is closed');
  await assert.rejects(asking, (e) => e.code === 503);
  t.mock.timers.tick(FAST.maxDelayMs);
  await settle();
  assert.equal(server.sockets.length, 2);
  server.open();
  assert.deepEqual(states, ['reconnecting: no frame within 15000 ms of a ping', 'reconnecting', 'connected']);
  bus.close();
});

test('any frame after a ping shows the connection alive, not only the pong (a busy server); the pong reaches no listener', async (t) => {
  const { server, bus } = await connectedOnMockTimers(t);
  const heard = [];
  bus.onAny((event) => heard.push(event));
  bus.on('error', (e) => heard.push('error:' + e.code));
  for (let i = 0; i < 3; i++) {
    t.mock.timers.tick(5_000);
    const ping = server.socket.sent.at(-1);
    assert.equal(ping.type, 'ping');
    server.push({ type: 'rec', address: ping.replyAddress, body: { pong: true } });
  }
  for (let i = 0; i < 8; i++) { // 40 s of pings answered late, if ever: events come meanwhile
    t.mock.timers.tick(2_500);
    server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', data: { id: 'n' + i } } });
    t.mock.timers.tick(2_500);
  }
  assert.equal(bus.state, 'connected');
  assert.equal(server.sockets.length, 1);
  assert.deepEqual(heard, Array(8).fill('notification'));
  bus.close();
});

test('a server that has answered no ping on the connection (a node from before pongs) is not taken for dead', async (t) => {
  const { server, bus } = await connectedOnMockTimers(t);
  t.mock.timers.tick(60_000); // twelve pings, none answered, nothing else either
  await settle();
  assert.equal(bus.state, 'connected');
  assert.equal(server.sockets.length, 1);
  assert.ok(!server.socket.closed);
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

test('backoff doubles from the initial delay, stays under the maximum, and spreads by the jitter', () => {
  const settings = { initialDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 5, jitter: 0.5 };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, settings, () => 0.5)), [1000, 2000, 4000, 5000, 5000]);
  assert.equal(backoffDelay(1, settings, () => 0), 500);
  assert.equal(backoffDelay(1, settings, () => 0.999999), 1500);
  assert.equal(backoffDelay(3, settings, () => 0.999999), 5000);
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
