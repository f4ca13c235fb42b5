// Tokens: renewal before expiry, a socket closed because its token expired, a fixed token that
// expired (the server's refusals say so), a request or register refused with 401
// sent again with a new token (once), and a token for another user.
import assert from 'node:assert/strict';
import {
  connect, tokenClaims, SkillbusError, FAST, heldTokens, jwt, FakeServer, connected, test, tick, settle,
} from './skillbus-harness.mjs';

/** The server's notice that it closes a socket whose token expired, then the close (SockJS's 3000). */
function closeForExpiredToken(server) {
  server.push({ type: 'err', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'the token expired', body: 'token_expired' });
  server.socket.onclose({ code: 3000, reason: 'Go away!' });
}

test('with getToken, a token is renewed before it expires and presented on a ping', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const server = new FakeServer();
  const expiresAt = 1_700_000_000 + 2; // 2 s from now: renewed a fifth of that ahead, after 1.6 s
  const tokens = [jwt({ sub: 'ann', role: 'learner', exp: expiresAt }), jwt({ sub: 'ann', role: 'learner', exp: expiresAt + 3600 })];
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => tokens[Math.min(calls++, 1)], SockJS: server.SockJS, reconnect: FAST });
  await settle();
  server.open();
  t.mock.timers.tick(1_599);
  await settle();
  assert.equal(calls, 1, 'not renewed yet');
  t.mock.timers.tick(1);
  await settle();
  const renewal = server.socket.sent.find((f) => f.type === 'ping' && f.headers);
  assert.ok(renewal, 'a ping carries the new token, before the first expired');
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

test('a long-lived token is renewed a minute before it expires; a renewal that brings no later expiry waits the reconnect backoff', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const server = new FakeServer();
  const exp = 1_700_000_000 + 30 * 86400;
  let calls = 0;
  const bus = connect({ url: 'http://test', getToken: async () => (calls++, jwt({ sub: 'ann', exp })), SockJS: server.SockJS,
    // The fake server answers no ping: the one that goes out after 24.8 days must not count as unanswered.
    pingIntervalMs: 2 ** 31 - 1, pongTimeoutMs: 2 ** 31 - 1,
    reconnect: { initialDelayMs: 100_000, maxDelayMs: 100_000, maxAttempts: 5, jitter: 0 } });
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

/** The server's refusal of a frame whose token expired (by the server's clock). */
const EXPIRED = { failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'invalid token: expired, or not valid yet (exp, nbf, iat)' };

test('a fixed token the server refuses as expired on a reconnect (its clock ahead): the client fails and keeps its room, not left on the server', async () => {
  const { server, bus } = await connected();
  const joining = bus.join('r1');
  server.reply(await server.request('session.join'), { sessionId: 'r1', participants: [], seq: 5, epoch: 'e1' });
  await joining;
  const heard = [];
  bus.on('error', (e) => heard.push('error:' + e.code));
  bus.on('state', (s) => heard.push(s.state + (s.reason ? ': ' + s.reason : '')));
  server.drop();
  const asked = assert.rejects(bus.emit('notes.create', {}), (e) => e.code === 401);
  await server.socketNumber(2);
  server.open();
  await server.request('session.join');
  server.push({ type: 'err', address: 'user.ann', ...EXPIRED }); // the first answer to the register, rejoin and all
  await settle();
  assert.equal(bus.state, 'failed');
  assert.deepEqual(heard.slice(-2), ['connected', 'failed: refused by the server: the token expired']);
  assert.ok(server.sockets[1].closed, 'the socket is closed');
  await asked;
  assert.deepEqual(bus.rooms, [{ sessionId: 'r1', lastSeq: 5, epoch: 'e1' }], 'the room stays');
  assert.ok(!server.sockets[1].sent.some((f) => f.type === 'unregister' || f.address === 'session.leave'), 'not left');
  bus.close();
});

test('with a fixed token, a request the server refuses as expired fails the client: a waiting join rejects with 401 and its sessionId', async () => {
  const { server, bus } = await connected();
  const joined = assert.rejects(bus.join('r2'), (e) => e.code === 401 && e.sessionId === 'r2');
  await server.request('session.join');
  const asked = assert.rejects(bus.emit('notes.create', {}), (e) => e.code === 401);
  server.fail(await server.request('notes.create'), EXPIRED.failureCode, EXPIRED.message);
  await asked;
  await joined;
  assert.equal(bus.state, 'failed');
  assert.deepEqual(bus.rooms, [], 'a room never joined is forgotten');
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

test('reads the claims of a token', () => {
  assert.deepEqual(tokenClaims(jwt({ sub: 'zoë', role: 'agent' })), { sub: 'zoë', role: 'agent' });
  assert.equal(tokenClaims('nonsense'), null);
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
