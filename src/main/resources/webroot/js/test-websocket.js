// Manual checks: connect as any user, join rooms, send any request, see every event as JSON text.
import { Visitor, appendScrolled, clock, describe, el, fill, prefill, showStatus, values } from '/js/page.js';

const today = new Date().toISOString().slice(0, 10);
const EXAMPLES = {
  'session.message': { sessionId: 'test-room', text: 'Hello from the test page' },
  'session.history': { sessionId: 'test-room', since: 0 },
  'session.cursor': { sessionId: 'test-room', line: 1, column: 1 },
  'session.activity': { sessionId: 'test-room', isActive: true },
  'session.update': { sessionId: 'test-room', updates: { discussionNotes: 'Notes', engagementScore: 7 } },
  'notes.create': { agentId: 'tester', noteType: 'COACHING', content: 'Test note', priority: 'HIGH', category: 'test' },
  'notes.delete': { id: '' },
  'actions.create': { agentId: 'tester', title: 'Test item', dueDate: today, priority: 'MEDIUM', category: 'test' },
  'actions.update': { id: '', status: 'in_progress' },
  'actions.delete': { id: '' },
  'notify.send': { userId: 'tester', type: 'info', message: 'Test notification' },
  'course.generate': { topic: 'Event-driven systems', level: 'beginner', webSearch: false },
  'course.status': { sessionId: '' },
  'course.cancel': { sessionId: '' },
  'ai.request': { toolId: 'outline', message: 'Outline a course on Vert.x', requestId: 'r1' },
};

const connectForm = document.getElementById('connect-form');
const roomForm = document.getElementById('room-form');
const requestForm = document.getElementById('request-form');
const address = document.getElementById('address');
const body = document.getElementById('body');
const events = document.getElementById('events');
const leaveButton = document.getElementById('leave');
let visitor = null;

for (const name of Object.keys(EXAMPLES)) {
  address.append(el('option', { value: name }, name));
}
address.addEventListener('change', () => (body.value = JSON.stringify(EXAMPLES[address.value], null, 2)));
body.value = JSON.stringify(EXAMPLES[address.value], null, 2);
prefill(connectForm);
prefill(roomForm);

function record(kind, detail) {
  appendScrolled(events, el('li', {}, el('time', {}, clock()), el('strong', {}, kind + ' '), el('code', {}, detail)));
}

function enable(connected) {
  document.getElementById('disconnect').disabled = !connected;
  roomForm.querySelector('button[type="submit"]').disabled = !connected;
  requestForm.querySelector('button[type="submit"]').disabled = !connected;
  offerLeave();
}

/** Leave is offered while the client is in (or joining) the room the form names. */
function offerLeave() {
  const session = values(roomForm).session;
  leaveButton.disabled = !visitor?.bus.rooms.some((room) => room.sessionId === session);
}

roomForm.elements.session.addEventListener('input', offerLeave);

connectForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const v = values(connectForm);
  visitor?.close();
  visitor = new Visitor({ userId: v.user, name: v.name, role: v.role }, { transport: v.transport });
  showStatus(visitor.bus);
  visitor.bus.on('state', (s) => record('state', s.state + (s.delayMs ? ' (next attempt in ' + s.delayMs + ' ms)' : '')));
  visitor.bus.on('error', (error) => {
    record('error', describe(error));
    offerLeave(); // a rejoin refused after a reconnect takes the client out of the room
  });
  visitor.bus.on('reset', (r) => record('reset', r.sessionId + ': ' + r.reason));
  visitor.bus.on('session-left', offerLeave); // an admin took the client out: skillbus.js forgot the room
  visitor.bus.onAny((event, data, envelope) => record(event, JSON.stringify(envelope)));
  enable(true);
});

document.getElementById('disconnect').addEventListener('click', () => {
  visitor?.close();
  visitor = null;
  enable(false);
});

roomForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = roomForm.querySelector('.error');
  fill(error);
  const joining = visitor.bus.join(values(roomForm).session);
  offerLeave();
  try {
    fill(document.getElementById('reply'), JSON.stringify(await joining, null, 2));
  } catch (failure) {
    fill(error, describe(failure));
  }
  offerLeave();
});

leaveButton.addEventListener('click', async () => {
  const leaving = visitor.bus.leave(values(roomForm).session);
  offerLeave();
  const reply = await leaving.catch((failure) => ({ error: describe(failure) }));
  fill(document.getElementById('reply'), JSON.stringify(reply, null, 2));
});

requestForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const reply = document.getElementById('reply');
  let parsed;
  try {
    parsed = JSON.parse(body.value);
  } catch (failure) {
    fill(reply, 'The body is not JSON: ' + failure.message);
    return;
  }
  fill(reply, '…');
  try {
    fill(reply, JSON.stringify(await visitor.bus.emit(address.value, parsed), null, 2));
  } catch (failure) {
    fill(reply, 'Error ' + describe(failure));
  }
});

document.getElementById('clear').addEventListener('click', () => fill(events));
