// Reconnect and rejoin: after a dropped connection the client registers again, rejoins with since and
// epoch, retries a rejoin answered 503 (or whose register was) and a register on its user address
// refused 429 or 503, and holds the requests and live events until the rooms are back.
import assert from 'node:assert/strict';
import { connect, jwt, FakeServer, FAST, joined, test, tick, settle, envelopes } from './skillbus-harness.mjs';

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

/** A client in room `room` at `seq` whose connection dropped and opened again: its rejoin waits for an answer. */
async function rejoining(room, seq) {
  const { server, bus, events } = await joined(room, seq);
  const errors = [];
  bus.on('error', (e) => errors.push(e.code + ':' + e.sessionId));
  server.drop();
  await server.socketNumber(2);
  server.open();
  return { server, bus, events, errors, rejoin: await server.request('session.join') };
}

test('a rejoin answered 503 after a reconnect is tried again; one refused with 403 says error and leaves the room', async () => {
  const { server, bus, events, errors, rejoin: first } = await rejoining('r1', 5);
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

test('a rejoin whose register is refused 429 (rate limited, the join itself taken) is tried again with the backoff, register and all', async () => {
  const { server, bus, events, errors, rejoin } = await rejoining('r1', 5);
  const from = server.socket.sent.length;
  server.push({ type: 'err', address: 'room.r1', failureCode: 429, failureType: 'RECIPIENT_FAILURE', message: 'too many frames; slow down' });
  server.reply(rejoin, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1', missed: envelopes('r1', [6]), recovered: true });
  const again = await server.request('session.join', from);
  assert.ok(server.socket.sent.slice(from).some((f) => f.type === 'register' && f.address === 'room.r1'), 'registers again');
  assert.deepEqual(again.body, { sessionId: 'r1', since: 5, epoch: 'e1' });
  server.reply(again, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1', missed: envelopes('r1', [6]), recovered: true });
  await tick();
  server.event('r1', 'message', 7);
  assert.deepEqual(events, [6, 7]);
  assert.deepEqual(bus.rooms.map((r) => r.sessionId), ['r1']);
  assert.deepEqual(errors, []);
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.leave'), 'not left');
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

// Without jitter the backoff is exact: 5, 10, 20 ms for the 1st, 2nd, 3rd attempt.
const EXACT = { ...FAST, jitter: 0 };

/**
 * A client with a fixed token for Ann on a new FakeServer, the test's timers mocked, connected once it
 * returns; `errors` collects each `error` event as code:address.
 */
async function connectedOnMockTimers(t) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const server = new FakeServer();
  const token = jwt({ sub: 'ann', name: 'Ann', role: 'learner' });
  const bus = connect({ url: 'http://test', token, SockJS: server.SockJS, reconnect: EXACT });
  const errors = [];
  bus.on('error', (e) => errors.push(e.code + ':' + e.address));
  await settle();
  server.open();
  await settle();
  return { server, bus, token, errors };
}

/** The server refuses the register on `address` (an `err` frame without a reply, as the bridge sends it). */
function refuseRegister(server, code, address = 'user.ann') {
  server.push({ type: 'err', address, failureCode: code, failureType: 'RECIPIENT_FAILURE', message: 'refused ' + code });
}

/** The registers on Ann's user address that `socket` carried. */
function userRegisters(socket) {
  return socket.sent.filter((f) => f.type === 'register' && f.address === 'user.ann');
}

test('a register on user.<id> refused 429 (then 503) is sent again after the growing backoff; once taken, notifications come and no error fired', async (t) => {
  const { server, bus, token, errors } = await connectedOnMockTimers(t);
  const notes = [];
  bus.on('notification', (data) => notes.push(data.id));
  assert.equal(userRegisters(server.socket).length, 1);
  refuseRegister(server, 429);
  t.mock.timers.tick(4);
  assert.equal(userRegisters(server.socket).length, 1, 'not before the backoff');
  t.mock.timers.tick(1);
  assert.equal(userRegisters(server.socket).length, 2, 'sent again after the first attempt\'s delay');
  assert.deepEqual(userRegisters(server.socket)[1].headers, { authorization: 'Bearer ' + token });
  refuseRegister(server, 503);
  t.mock.timers.tick(9);
  assert.equal(userRegisters(server.socket).length, 2, 'the second delay is longer');
  t.mock.timers.tick(1);
  assert.equal(userRegisters(server.socket).length, 3);
  t.mock.timers.tick(EXACT.maxDelayMs * 4); // taken: nothing more is sent
  assert.equal(userRegisters(server.socket).length, 3);
  server.push({ type: 'rec', address: 'user.ann', body: { event: 'notification', data: { id: 'n1' } } });
  assert.deepEqual(notes, ['n1']);
  assert.deepEqual(errors, []);
  assert.equal(server.sockets.length, 1, 'on the same connection');
  bus.close();
});

test('a user register retry pending when the socket drops is not sent on the old socket; the new one registers once, its backoff from the first attempt', async (t) => {
  const { server, bus, errors } = await connectedOnMockTimers(t);
  const first = server.socket;
  refuseRegister(server, 429);
  t.mock.timers.tick(5);
  assert.equal(userRegisters(first).length, 2, 'retried once on the first socket');
  refuseRegister(server, 429); // the next try would come 10 ms later
  server.drop();
  t.mock.timers.tick(5); // the reconnect's delay
  await settle();
  assert.equal(server.sockets.length, 2);
  server.open();
  await settle();
  const second = server.socket;
  t.mock.timers.tick(EXACT.maxDelayMs * 2); // past the first socket's pending retry
  assert.equal(userRegisters(first).length, 2, 'nothing more on the old socket');
  assert.equal(userRegisters(second).length, 1, 'the new socket registers once');
  refuseRegister(server, 429); // a refusal on the new socket: the attempts count from 1 again
  t.mock.timers.tick(4);
  assert.equal(userRegisters(second).length, 1);
  t.mock.timers.tick(1);
  assert.equal(userRegisters(second).length, 2);
  assert.deepEqual(errors, []);
  bus.close();
});

test('a user register refused 403 (after a 429 tried again) fires error and is not tried again', async (t) => {
  const { server, bus, errors } = await connectedOnMockTimers(t);
  refuseRegister(server, 429);
  t.mock.timers.tick(5);
  assert.equal(userRegisters(server.socket).length, 2);
  refuseRegister(server, 403);
  t.mock.timers.tick(EXACT.maxDelayMs * 4);
  await settle();
  assert.equal(userRegisters(server.socket).length, 2, 'not tried again');
  assert.deepEqual(errors, ['403:user.ann']);
  assert.equal(bus.state, 'connected');
  bus.close();
});
