// Joins and the order of a room's events: durable events once and in order, volatile ones held while
// a join is on its way, refused and timed-out joins, joins with since and joins asked twice.
import assert from 'node:assert/strict';
import { until, connected, joined, test, tick, envelopes } from './skillbus-harness.mjs';

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
