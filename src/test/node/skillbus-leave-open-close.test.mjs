// Leaving a room, close() and open(): what a leave sends and holds back, and what close() and open()
// do to the joins, requests and connection attempts on their way.
import assert from 'node:assert/strict';
import {
  connect, FAST, until, heldTokens, jwt, FakeServer, connected, joined, test, tick,
} from './skillbus-harness.mjs';

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
  const frames = server.socket.sent.map((f) => f.type + ':' + f.address).filter((f) => !f.includes('user.') && !f.startsWith('ping'));
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

test('session-left (an admin took the connection out) is delivered and forgets the room: no rejoin after a reconnect', async () => {
  const { server, bus } = await joined('r1', 5);
  const left = [];
  bus.on('session-left', (data, envelope) => left.push([data, envelope.room]));
  server.push({ type: 'rec', address: 'room.r1', body: { event: 'session-left', room: 'r1', ts: 't', data: { sessionId: 'r1', reason: 'removed' } } });
  assert.deepEqual(left, [[{ sessionId: 'r1', reason: 'removed' }, 'r1']]);
  assert.deepEqual(bus.rooms, []);
  server.drop();
  await server.socketNumber(2);
  server.open();
  await tick();
  assert.ok(!server.socket.sent.some((f) => f.address === 'session.join' || f.address === 'room.r1'), 'the room is not joined again');
  const joining = bus.join('r1');
  const join = await server.request('session.join');
  server.reply(join, { sessionId: 'r1', participants: [], seq: 6, epoch: 'e1' });
  assert.equal((await joining).seq, 6);
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
