// Coaching: quick notes and action items for an agent, live as they arrive and as they are deleted;
// the session's notes with the version rule in plain sight; notifications sent and shown as toasts.
import { Visitor, clearIfSent, clock, describe, el, fill, prefill, showStatus, toast, values } from '/js/page.js';
import { SessionNotes } from '/js/session-notes.js';

const joinForm = document.getElementById('join-form');
const docForm = document.getElementById('doc-form');
const notes = new Map();
const items = new Map();
// Ids deleted while the page is open: an event about one that comes late (its room's copy) is dropped.
const deleted = new Set();
const STATUSES = ['open', 'in_progress', 'done', 'cancelled'];
const LOAD_FAILED = 'Could not load: ';
// The latest load of each part, by its form's id (see loadPart).
const latestLoads = new Map();

let visitor = null;
let sessionId = null;
let agentId = null;
// Whether the session is open here: the notes' and items' controls work only while it is.
let sessionOpen = false;
// The session's notes, of the session open (see session-notes.js).
const sessionNotes = new SessionNotes(docForm, () => ({ visitor, sessionId }));

prefill(joinForm);
joinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  open(values(joinForm));
});

/** Runs a form's action with its submit button disabled; a failure shows in the form's error line. */
function onSubmit(form, action) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = form.querySelector('.error');
    const button = form.querySelector('button[type="submit"]');
    fill(error);
    button.disabled = true;
    try {
      await action(values(form), form);
    } catch (failure) {
      fill(error, describe(failure));
    } finally {
      button.disabled = false;
    }
  });
}

async function open({ session, user, name, role, agent }) {
  fill(document.getElementById('join-error'));
  visitor?.close();
  const opening = visitor = new Visitor({ userId: user, name, role });
  showStatus(visitor.bus);
  listen(visitor.bus);
  sessionId = session;
  agentId = agent || user;
  resetPage();
  fill(document.getElementById('notes-agent'), 'for ' + agentId);
  try {
    await visitor.bus.join(session, { name: name || undefined });
  } catch (error) {
    if (visitor === opening) {
      fill(document.getElementById('join-error'), 'Could not open the session: ' + describe(error));
    }
    return;
  }
  if (visitor !== opening) {
    return; // another session was opened while this one's join was on its way
  }
  sessionOpen = true;
  // Session notes are saved against the version loaded, so their buttons wait for it.
  document.querySelectorAll('form:not(#join-form):not(#doc-form) button').forEach((b) => (b.disabled = false));
  load();
}

/**
 * Loads the lists, and the session's notes unless they are being edited: once the session is open,
 * and again when what changed while the connection was down came to nobody here (the lists are the
 * agent's, of every session, and only this session's room and the viewer's own address are live),
 * or what a lost room history no longer holds. Each part on its own: an instructor may not list an
 * agent's notes (403) yet writes session notes.
 */
function load() {
  clearLists();
  const parts = [[loadNotes, 'note-form'], [loadItems, 'item-form']];
  if (!sessionNotes.busy) {
    parts.push([() => sessionNotes.load(), 'doc-form']);
  }
  for (const [part, form] of parts) {
    loadPart(part, form);
  }
}

/**
 * Loads one part; its failure shows beside its form until a later load of it succeeds. Loads of a
 * part may settle out of order (a rejoin's and a reset's): only the latest one's outcome shows. The
 * part's list says it is empty only once it loaded (its data-state says loading or failed before).
 */
function loadPart(part, formId) {
  const error = document.querySelector('#' + formId + ' .error');
  const list = document.querySelector('#' + formId + ' ~ .list');
  const run = (latestLoads.get(formId) || 0) + 1;
  latestLoads.set(formId, run);
  const state = (value) => {
    if (list && value) {
      list.dataset.state = value;
    } else if (list) {
      delete list.dataset.state;
    }
  };
  state('loading');
  return part().then(() => {
    if (latestLoads.get(formId) !== run) {
      return;
    }
    state(null);
    if (error.textContent.startsWith(LOAD_FAILED)) {
      fill(error); // an earlier load's failure, of the past now (not a failed submit's)
    }
  }, (failure) => {
    if (latestLoads.get(formId) === run) {
      state('failed');
      fill(error, LOAD_FAILED + describe(failure));
    }
  });
}

function clearLists() {
  notes.clear();
  items.clear();
  fill(document.getElementById('notes'));
  fill(document.getElementById('items'));
}

/** Nothing of the session or agent opened before stays: lists, the session notes and their version. */
function resetPage() {
  clearLists();
  deleted.clear();
  sessionNotes.reset();
  // Nothing goes to the new session before it is open (the buttons of the one before included), and
  // saving waits for its notes to load: a save now would carry the old version.
  disableForms();
}

/** The session's forms, Open aside, and its notes' and items' controls take nothing: it is not open (yet, or any more). */
function disableForms() {
  sessionOpen = false;
  document.querySelectorAll('form:not(#join-form) button, #notes button, #items button, #items select')
    .forEach((b) => (b.disabled = true));
}

function listen(bus) {
  bus.on('quickNote:created', (note) => note.agentId === agentId && showNote(note, true));
  bus.on('actionItem:created', (item) => item.agentId === agentId && showItem(item));
  bus.on('actionItem:updated', (item) => item.agentId === agentId && showItem(item));
  bus.on('quickNote:deleted', (note) => removeShown('notes', note.id));
  bus.on('actionItem:deleted', (item) => removeShown('items', item.id));
  bus.on('session:updated', (update) => update.sessionId === sessionId && sessionNotes.updated(update));
  // Once the session is joined again after a reconnect (its first join is the open's own load), or
  // when the room's history no longer covers what was missed. A rejoin the server refused reloads nothing.
  let joins = 0;
  bus.on('session-joined', (joined) => joined.sessionId === sessionId && ++joins > 1 && sessionOpen && load());
  bus.on('reset', (info) => info.sessionId === sessionId && sessionOpen && load());
  // A rejoin after a reconnect that the server refused: the session's events no longer come here.
  bus.on('error', (error) => {
    if (error.sessionId && error.sessionId === sessionId) {
      disableForms();
      fill(document.getElementById('join-error'), 'No longer in session ' + error.sessionId + ': ' + describe(error));
    }
  });
  bus.on('notification', (n) => toast({ type: n.type, title: n.from?.name ? n.from.name + ':' : null, message: n.message }));
}

// ---- quick notes ----------------------------------------------------------------------------

/** How many of an agent's notes, and of its action items, the page shows (the newest): more come live. */
const SHOWN = 50;

/**
 * The newest {@link SHOWN} of one of the agent's listings, newest first, read in pages of the node's
 * own size (COACHING_PAGE_SIZE): a larger limit may be above the most the node allows.
 */
async function newest(listing) {
  const items = [];
  for (let total = Infinity; items.length < Math.min(SHOWN, total);) {
    const page = await visitor.rest('GET', '/api/agents/' + encodeURIComponent(agentId) + '/' + listing + '?offset=' + items.length);
    total = page.total;
    if (page.items.length === 0) {
      break;
    }
    items.push(...page.items);
  }
  return items.slice(0, SHOWN);
}

async function loadNotes() {
  (await newest('notes')).reverse().forEach((note) => showNote(note, true));
}

function showNote(note, newestFirst) {
  if (notes.has(note.id) || deleted.has(note.id)) {
    return; // it came on both the agent's address and the session's room
  }
  notes.set(note.id, note);
  const error = el('p', { class: 'error', role: 'alert' });
  const item = el('li', { 'data-id': note.id },
    el('div', { class: 'meta' },
      el('span', { class: 'badge ' + note.noteType }, note.noteType),
      el('span', { class: 'badge ' + note.priority }, note.priority),
      note.category ? el('span', {}, note.category) : null,
      el('span', {}, 'by ' + (note.createdBy?.name || '?')),
      el('time', { datetime: note.createdAt }, clock(note.createdAt))),
    el('p', { class: 'content' }, note.content),
    deleteButton('notes.delete', note, 'Delete note: ' + note.content.slice(0, 40), error), error);
  const list = document.getElementById('notes');
  if (newestFirst) {
    list.prepend(item);
  } else {
    list.append(item);
  }
}

onSubmit(document.getElementById('note-form'), async (v, form) => {
  await visitor.bus.emit('notes.create', {
    agentId, sessionId, noteType: v.noteType, priority: v.priority, content: v.content, category: v.category || undefined,
  });
  clearIfSent(form.elements.content, v.content);
});

// ---- action items ---------------------------------------------------------------------------

async function loadItems() {
  (await newest('action-items')).reverse().forEach(showItem);
}

function showItem(data) {
  if (deleted.has(data.id)) {
    return;
  }
  const known = items.get(data.id);
  items.set(data.id, data);
  const select = el('select', { 'aria-label': 'Status of ' + data.title },
    STATUSES.map((s) => el('option', { value: s, selected: s === data.status }, s.replace('_', ' '))));
  select.disabled = !sessionOpen;
  const error = el('p', { class: 'error', role: 'alert' });
  select.addEventListener('change', () => changeStatus(data, select, error));
  const item = el('li', { 'data-id': data.id },
    el('strong', {}, data.title),
    el('div', { class: 'meta' },
      el('span', { class: 'badge ' + data.status }, data.status.replace('_', ' ')),
      el('span', { class: 'badge ' + data.priority }, data.priority),
      el('span', {}, data.category),
      el('span', {}, 'due ' + data.dueDate)),
    data.description ? el('p', { class: 'content' }, data.description) : null,
    el('div', { class: 'actions' }, el('label', {}, 'Status', select),
      deleteButton('actions.delete', data, 'Delete ' + data.title, error)), error);
  const existing = document.querySelector('#items li[data-id="' + CSS.escape(data.id) + '"]');
  if (known && existing) {
    // A keyboard user who just changed the status stays on the item's control, now the new one.
    const focused = existing.contains(document.activeElement);
    existing.replaceWith(item);
    if (focused) {
      select.focus();
    }
  } else {
    document.getElementById('items').prepend(item);
  }
}

async function changeStatus(data, select, error) {
  fill(error);
  try {
    showItem(await visitor.bus.emit('actions.update', { id: data.id, status: select.value }));
  } catch (failure) {
    select.value = data.status;
    fill(error, describe(failure));
  }
}

// ---- deleting (notes and items alike) ---------------------------------------------------------

/** A Delete button for a note or item: deletes it on the server; a refusal shows in its error line. */
function deleteButton(address, data, label, error) {
  const button = el('button', { type: 'button', class: 'secondary', 'aria-label': label }, 'Delete');
  button.disabled = !sessionOpen; // one that comes on the agent's address after the session closed
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled')) {
      return;
    }
    fill(error);
    // aria-disabled rather than disabled: a disabled button loses the keyboard focus that
    // removeShown hands on to the neighbour.
    button.setAttribute('aria-disabled', 'true');
    try {
      const gone = await visitor.bus.emit(address, { id: data.id });
      removeShown(address === 'notes.delete' ? 'notes' : 'items', gone.id);
    } catch (failure) {
      button.removeAttribute('aria-disabled');
      fill(error, describe(failure));
    }
  });
  return button;
}

/** Takes a deleted note or item off its list; a keyboard user's focus goes to a neighbour's Delete. */
function removeShown(list, id) {
  deleted.add(id);
  (list === 'notes' ? notes : items).delete(id);
  const shown = document.querySelector('#' + list + ' li[data-id="' + CSS.escape(id) + '"]');
  if (!shown) {
    return;
  }
  const focused = shown.contains(document.activeElement);
  const neighbour = shown.nextElementSibling || shown.previousElementSibling;
  shown.remove();
  if (focused && neighbour) {
    neighbour.querySelector('button').focus();
  }
}

onSubmit(document.getElementById('item-form'), async (v, form) => {
  await visitor.bus.emit('actions.create', {
    agentId, sessionId, title: v.title, description: v.description || undefined,
    dueDate: v.dueDate, priority: v.priority, category: v.category,
  });
  form.reset();
});

// ---- session notes (versioned document) -----------------------------------------------------

document.getElementById('doc-reload').addEventListener('click', () => loadPart(() => sessionNotes.load(), 'doc-form'));
onSubmit(docForm, (v) => sessionNotes.save(v));

// ---- notifications --------------------------------------------------------------------------

onSubmit(document.getElementById('notify-form'), async (v, form) => {
  const status = form.querySelector('[role="status"]');
  fill(status);
  const reply = await visitor.bus.emit('notify.send', { userId: v.userId, type: v.type, message: v.message });
  fill(status, reply.delivered ? 'Delivered to ' + v.userId + '.' : v.userId + ' is offline: queued for their next visit.');
  clearIfSent(form.elements.message, v.message);
});
