// Events and requests: connecting with the token, listeners (on, once, off, onAny), emit's replies
// and refusals, and events that come more than once (notifications, notes and items on two addresses).
import assert from 'node:assert/strict';
import { connect, SkillbusError, jwt, FakeServer, connected, joined, test } from './skillbus-harness.mjs';

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
