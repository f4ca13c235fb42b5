// Live session: join a room as instructor or learner, see the participants with their role,
// activity and cursor, move your own cursor in the shared code area, chat.
import { Visitor, appendScrolled, clearIfSent, clock, describe, el, fill, prefill, showStatus, values } from '/js/page.js';

const form = document.getElementById('join-form');
const leaveButton = document.getElementById('leave');
const code = document.getElementById('code');
const chat = document.getElementById('chat-form');
const log = document.getElementById('log');
const participantsList = document.getElementById('participants');

let visitor = null;
// The room this page shows, from the moment its join is sent: events that come after the join's
// reply reach the listeners before join() resolves.
let sessionId = null;
// Where the participants shown stand in the room's history ({seq, epoch} of their event or join
// reply): an older list, such as a join reply that resolves after later events, is not shown.
let shownAt = null;
const participants = new Map();
// Counts the joins asked for: one that a later one overtook while it waited stops where it is.
let joins = 0;

prefill(form);
form.addEventListener('submit', (e) => {
  e.preventDefault();
  join(values(form));
});
leaveButton.addEventListener('click', () => {
  joins++; // a join still on its way stops: Leave came after it
  leave();
});
chat.addEventListener('submit', (e) => {
  e.preventDefault();
  say(chat.elements.text.value);
});

async function join({ session, user, name, role }) {
  const mine = ++joins;
  fill(document.getElementById('join-error'));
  if (visitor && (visitor.identity.userId !== user || visitor.identity.role !== role)) {
    // Another identity needs a token of its own: a new connection.
    await leave();
  } else if (visitor && sessionId && sessionId !== session) {
    // One room at a time on this page: the one shown is left before another is joined.
    await leaveRoom(visitor);
  }
  if (mine !== joins) {
    return; // another join was asked for meanwhile (it left what this one would leave): it alone goes on
  }
  if (visitor?.bus.state === 'failed') {
    visitor.bus.open(); // Join asks to connect again, as Retry does; the join waits for the connection
  }
  if (!visitor) {
    visitor = new Visitor({ userId: user, name, role });
    showStatus(visitor.bus);
    listen(visitor.bus);
  }
  if (sessionId !== session) {
    sessionId = session;
    shownAt = null;
    fill(log); // the log of the room shown before is not this room's
  }
  try {
    const reply = await visitor.bus.join(session, { name: name || undefined, role });
    if (sessionId !== session || mine !== joins) {
      return; // left, or another room joined, while this join was on its way
    }
    setParticipants(reply.participants, reply);
    setJoined(true);
    code.focus();
    sendActivity(document.visibilityState === 'visible'); // a tab switched away while joining is not active
  } catch (error) {
    if (sessionId !== session || mine !== joins) {
      return; // left, or another room joined, meanwhile: this join's failure is no longer the page's
    }
    if (!visitor?.bus.rooms.some((room) => room.sessionId === session)) {
      forgetRoom(); // the client gave the room up; else it joins it again once it is connected
    }
    fill(document.getElementById('join-error'), 'Could not join: ' + describe(error));
  }
}

async function leave() {
  if (!visitor) {
    return;
  }
  const leaving = visitor;
  visitor = null;
  await leaveRoom(leaving);
  leaving.close();
}

/** Leaves the room the page shows, if any, and empties the page's view of it. */
async function leaveRoom(of) {
  const room = sessionId;
  forgetRoom();
  try {
    if (room) {
      await of.bus.leave(room);
    }
  } catch (error) {
    // Not left now: the room is left when the connection closes.
  }
}

/** Empties the page's view of its room (left, or its join refused). */
function forgetRoom() {
  sessionId = null;
  shownAt = null;
  fill(document.getElementById('reset-notice'));
  setJoined(false);
  participants.clear();
  renderParticipants();
}

function setJoined(joined) {
  leaveButton.disabled = !joined;
  code.disabled = !joined;
  chat.elements.text.disabled = !joined;
  document.getElementById('send').disabled = !joined;
}

function listen(bus) {
  // Only this page's room: events of a room left a moment ago, or of another room, change nothing here.
  const here = (handler) => (data, envelope) => {
    if (envelope.room === sessionId) {
      handler(data, envelope);
    }
  };
  // No session-joined: it carries the join reply's list without its seq, so it cannot tell whether
  // later events changed the list meanwhile. The page's join has its reply; a rejoin's missed events
  // bring the changes in order, and a rejoin whose history is gone says reset with its reply.
  bus.on('user-joined', here((data, envelope) => {
    setParticipants(data.participants, envelope);
    logLine(envelope, data.name + ' joined as ' + data.role);
  }));
  bus.on('user-left', here((data, envelope) => {
    setParticipants(data.participants, envelope);
    logLine(envelope, data.name + ' left');
  }));
  bus.on('message', here((data, envelope) => logLine(envelope, el('strong', {}, data.name + ': '), data.text)));
  bus.on('cursor-moved', here((data) => update(data.userId, { cursor: data.cursor })));
  bus.on('user-activity-changed', here((data) => update(data.userId, { isActive: data.isActive })));
  // Taken out of the room by an administrator: the client forgot the room, and the page says so.
  bus.on('session-left', here((data) => {
    forgetRoom();
    fill(document.getElementById('join-error'), 'An administrator took you out of session ' + data.sessionId + '.');
  }));
  // A rejoin after a reconnect that the server refused (the room became private, say): the client is
  // out of the room, so the page says so instead of showing a room whose events no longer come.
  bus.on('error', (error) => {
    if (error.sessionId && error.sessionId === sessionId) {
      forgetRoom();
      fill(document.getElementById('join-error'), 'No longer in session ' + error.sessionId + ': ' + describe(error));
    }
  });
  bus.on('reset', (info) => {
    if (info.sessionId === sessionId) {
      if (info.reply) {
        setParticipants(info.reply.participants, info.reply);
      }
      fill(document.getElementById('reset-notice'),
        'Part of the room\'s history was lost on the server; the participants list is current, older events may be missing.');
    }
  });
}

function logLine(envelope, ...content) {
  const item = el('li', { 'data-seq': envelope.seq },
    el('span', { class: 'seq' }, '#' + envelope.seq), el('time', { datetime: envelope.ts }, clock(envelope.ts)), ...content);
  appendScrolled(log, item);
}

/** Shows the participants as of `at` (an event or a join reply), unless those shown are newer. */
function setParticipants(list = [], { seq, epoch }) {
  if (shownAt && shownAt.epoch === epoch && seq < shownAt.seq) {
    return;
  }
  shownAt = { seq, epoch };
  participants.clear();
  for (const p of list) {
    participants.set(p.userId, p);
  }
  renderParticipants();
}

function update(userId, change) {
  const p = participants.get(userId);
  if (p) {
    Object.assign(p, change);
    renderParticipants();
  }
}

function renderParticipants() {
  const me = visitor?.identity.userId;
  fill(participantsList, [...participants.values()].map((p) => el('li', { 'data-user': p.userId },
    el('strong', {}, p.name), p.userId === me ? ' (you)' : '',
    el('div', { class: 'meta' },
      el('span', { class: 'badge ' + p.role }, p.role),
      el('span', { class: 'badge ' + (p.isActive === false ? 'idle' : 'active') }, p.isActive === false ? 'idle' : 'active'),
      el('span', { class: 'cursor' }, p.cursor ? 'Ln ' + p.cursor.line + ', Col ' + p.cursor.column : 'no cursor yet')))));
  fill(document.getElementById('participant-count'), participants.size ? '(' + participants.size + ')' : '');
}

async function say(text) {
  fill(document.getElementById('chat-error'));
  try {
    await visitor.bus.emit('session.message', { sessionId, text });
    clearIfSent(chat.elements.text, text);
  } catch (error) {
    fill(document.getElementById('chat-error'), 'Not sent: ' + describe(error));
  }
}

// ---- cursor and activity --------------------------------------------------------------------

let lastCursor = '';
let cursorTimer = null;

function cursorPosition() {
  const before = code.value.slice(0, code.selectionStart);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function reportCursor() {
  const cursor = cursorPosition();
  fill(document.getElementById('my-cursor'), 'Ln ' + cursor.line + ', Col ' + cursor.column);
  const key = cursor.line + ':' + cursor.column;
  if (key === lastCursor || !visitor || !sessionId || cursorTimer) {
    return;
  }
  // At most one cursor message every 50 ms; the last position always goes out.
  cursorTimer = setTimeout(() => {
    cursorTimer = null;
    const now = cursorPosition();
    lastCursor = now.line + ':' + now.column;
    visitor?.bus.send('session.cursor', { sessionId, ...now });
  }, 50);
}

for (const type of ['keyup', 'click', 'select', 'input', 'focus']) {
  code.addEventListener(type, reportCursor);
}

function sendActivity(isActive) {
  if (visitor && sessionId) {
    visitor.bus.send('session.activity', { sessionId, isActive });
  }
}

document.addEventListener('visibilitychange', () => sendActivity(document.visibilityState === 'visible'));
window.addEventListener('focus', () => sendActivity(true));
window.addEventListener('blur', () => sendActivity(false));
