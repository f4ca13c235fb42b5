// Course generator: start a generation (or watch one by its session id), follow its log with
// timestamps and a colour per message type, its progress, and show the finished course.
import { Visitor, appendScrolled, clock, describe, el, fill, prefill, showStatus, values } from '/js/page.js';

const generateForm = document.getElementById('generate-form');
const watchForm = document.getElementById('watch-form');
const consoleList = document.getElementById('console');
const stopButton = document.getElementById('stop');
const resetNotice = document.getElementById('reset-notice');
const jobStatus = document.getElementById('job-status');
let visitor = null;
// The generation shown, while the page follows its room.
let sessionId = null;
// The form the generation shown came from (Generate or Watch): what goes wrong with it later shows there.
let origin = generateForm;
// The epoch of the lines shown: a line of another one means the room's history started again.
let shownEpoch = null;
// The generation whose room's history is being loaded, or null (see rebuild).
let loading = null;
// Counts the loads begun: a load's end clears loading only when no later one began.
let loads = 0;
// A new epoch began while loading: the load's reply may not have held its first lines.
let loadAgain = false;
// The generation shown whose load the connection's end cut short: loaded again once connected (a
// room the client gave up, having stopped trying to reconnect, is not joined again by it).
let cutShort = null;
// Counts the presses of Generate and Watch: a generation whose start is answered after a later
// press is not followed, the later press is.
let presses = 0;

prefill(generateForm);
prefill(watchForm);

function visitorFor(user) {
  if (!visitor || visitor.identity.userId !== user) {
    visitor?.close();
    visitor = new Visitor({ userId: user, role: 'learner' });
    showStatus(visitor.bus);
    visitor.bus.on('course_generation_update', (m, envelope) => envelope.room === sessionId && logLine(m, envelope));
    visitor.bus.on('course_generation_complete', (result, envelope) => envelope.room === sessionId && completed(result));
    visitor.bus.on('session_status', (status) => status.sessionId === sessionId && showJob(status));
    visitor.bus.on('reset', (info) => info.sessionId === sessionId && rebuild(info));
    visitor.bus.on('state', ({ state }) => state === 'connected' && reloadCutShort());
    // A rejoin after a reconnect that the server refused (the room became private, say).
    visitor.bus.on('error', (error) => {
      if (error.sessionId && error.sessionId === sessionId) {
        unfollow(error.sessionId);
        fill(origin.querySelector('.error'), 'No longer following ' + error.sessionId + ': ' + describe(error));
      }
    });
  }
  if (visitor.bus.state === 'failed') {
    visitor.bus.open(); // Generate or Watch asks to connect again, as Retry does; its requests wait for it
  }
  return visitor;
}

/** Joins a generation's room from its first event: a late watcher sees the whole log. */
async function watch(id, form) {
  if (sessionId && sessionId !== id) {
    visitor.bus.leave(sessionId).catch(() => {});
  }
  sessionId = id;
  origin = form;
  fill(consoleList);
  fill(jobStatus);
  stopButton.disabled = true;
  shownEpoch = null;
  fill(resetNotice);
  fill(document.getElementById('course'));
  document.getElementById('course-section').hidden = true;
  setProgress(0);
  const link = new URL('/course.html', location.href);
  link.searchParams.set('session', id);
  fill(document.getElementById('share'), 'Session ', el('code', {}, id), ' · ', el('a', { href: link.href }, 'link to watch it'));
  await load(id);
}

/** Shows the job's status and the room's history, from its first line. */
async function load(id) {
  const mine = ++loads;
  loading = id;
  loadAgain = false;
  if (cutShort === id) {
    cutShort = null; // this load does what the one cut short did not
  }
  const bus = visitor.bus;
  try {
    const status = await askJob('course.status', id);
    if (sessionId !== id) {
      return; // another generation is shown now (Generate or Watch again meanwhile)
    }
    showJob(status);
    await bus.join(id, { since: 0 });
    if (sessionId !== id) {
      bus.leave(id).catch(() => {}); // joined after the page moved on: not followed
      return;
    }
  } catch (failure) {
    if (sessionId !== id) {
      return; // the page moved on: this generation's failure is no longer its own
    }
    loadFailed(id, bus, failure);
    throw failure;
  } finally {
    if (loads === mine) {
      loading = null;
    }
  }
  if (loadAgain && sessionId === id) {
    await load(id);
  }
}

/** What a failed load of the generation shown leaves: out of its room, or to be loaded again. */
function loadFailed(id, bus, failure) {
  if (failure.connectionLost) {
    if (bus === visitor.bus) {
      cutShort = id; // not shown as it is now: loaded again once connected (not when the page closed this client)
    }
  } else if (failure.sessionId === id) {
    unfollow(id); // the join was refused: the page is not in the room
  }
}

/** Loads the generation shown again if the connection's end cut its load short (see load). */
function reloadCutShort() {
  if (cutShort !== null && cutShort === sessionId && !loading) {
    cutShort = null;
    run(origin, () => load(sessionId));
  }
}

/**
 * The room's history started again, or lost lines this page missed (skillbus.js says reset): the
 * history is loaded again from its first line, and once a line of the new history comes, the
 * console holds that history instead of the old lines (see logLine). A reset that comes while
 * loading is only noted when the history no longer reaches back to the first line (loading again
 * would give the same); a new epoch, such as one that begins among the events the load's own reply
 * lets through, is loaded once more when the load is done, for the lines before it.
 */
function rebuild({ reason }) {
  fill(resetNotice, 'The server\'s log of this generation started again or lost lines: the console shows what it holds now.');
  if (!loading) {
    run(origin, () => load(sessionId));
  } else if (reason === 'epoch') {
    loadAgain = true;
  }
}

generateForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const press = ++presses;
  run(generateForm, async (v) => {
    const { sessionId: id } = await visitorFor(v.user).bus.emit('course.generate', { topic: v.topic, level: v.level, webSearch: v.webSearch });
    if (press === presses) {
      await watch(id, generateForm);
    }
  });
});

watchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  presses++;
  run(watchForm, (v) => {
    visitorFor(v.user);
    return watch(v.session, watchForm);
  });
});

stopButton.addEventListener('click', () => run(origin, () => askJob('course.cancel', sessionId)));

/**
 * Runs a form's action. A failure shows in the form's error line; a success clears both forms'
 * error lines, whose errors are then of the past.
 */
async function run(form, action) {
  fill(form.querySelector('.error'));
  try {
    await action(values(form));
    [generateForm, watchForm].forEach((f) => fill(f.querySelector('.error')));
  } catch (failure) {
    fill(form.querySelector('.error'), describe(failure));
  }
}

/**
 * A request about a generation. A 404 for the one shown means the server no longer has it (a node
 * restart with an in-memory store lost it, say): the page says so instead of showing it running.
 */
async function askJob(address, id) {
  try {
    return await visitor.bus.emit(address, { sessionId: id });
  } catch (failure) {
    if (failure.code === 404 && id === sessionId) {
      showJob({ status: 'not found on the server' });
    }
    throw failure;
  }
}

/** The page is out of the generation's room (a join or rejoin refused): its lines no longer come. */
function unfollow(id) {
  if (id === sessionId) {
    sessionId = null;
    showJob({ status: 'not followed' });
  }
}

/**
 * Shows a log line in seq order, once: after a reset the room's history comes again, and may hold a
 * line shown already or come after lines that follow it. A line of a new epoch replaces the lines
 * of the old one, which the server no longer has.
 */
function logLine(message, { seq, epoch }) {
  if (epoch !== shownEpoch) {
    fill(consoleList);
    shownEpoch = epoch;
  }
  const last = consoleList.lastElementChild;
  const next = last && Number(last.dataset.seq) >= seq ? [...consoleList.children].find((li) => Number(li.dataset.seq) >= seq) : null;
  if (next && Number(next.dataset.seq) === seq) {
    return;
  }
  const line = el('li', { class: message.type, 'data-seq': seq },
    el('time', { datetime: message.timestamp }, clock(message.timestamp)),
    el('span', { class: 'type' }, '[' + message.type + ']'), message.message);
  if (next) {
    consoleList.insertBefore(line, next);
    return;
  }
  appendScrolled(consoleList, line);
  if (message.type === 'progress' && message.data && typeof message.data.percent === 'number') {
    setProgress(message.data.percent);
  }
}

function setProgress(percent) {
  document.getElementById('progress').value = percent;
  fill(document.getElementById('percent'), Math.round(percent) + ' %');
}

function showJob(status) {
  fill(jobStatus, '(' + status.status + (status.topic ? ': ' + status.topic : '') + ')');
  if (typeof status.percent === 'number') {
    setProgress(status.percent);
  }
  stopButton.disabled = status.status !== 'running' || status.owner !== visitor.identity.userId;
}

async function completed(result) {
  stopButton.disabled = true;
  fill(jobStatus, result.success ? '(completed)' : '(' + (result.error || 'failed') + ')');
  if (result.success && result.courseId) {
    setProgress(100);
    try {
      showCourse(await visitor.rest('GET', '/api/courses/' + encodeURIComponent(result.courseId)));
    } catch (failure) {
      fill(document.getElementById('course'), 'The course could not be loaded: ' + describe(failure));
    }
  }
}

function showCourse(course) {
  document.getElementById('course-section').hidden = false;
  fill(document.getElementById('course'),
    el('h3', {}, course.title),
    el('p', {}, course.summary),
    course.modules.map((module, i) => el('section', { 'aria-label': 'Module ' + (i + 1) },
      el('h3', {}, 'Module ' + (i + 1) + ': ' + module.title),
      module.summary ? el('p', {}, module.summary) : null,
      el('p', { class: 'muted' }, 'Objectives'),
      el('ul', {}, (module.objectives || []).map((o) => el('li', {}, o))),
      el('p', { class: 'muted' }, 'Lessons'),
      el('ol', {}, module.lessons.map((lesson) => el('li', {}, lesson.title,
        el('ul', {}, (lesson.outline || []).map((point) => el('li', {}, point)))))),
      module.quiz?.questions?.length ? el('p', { class: 'muted' }, 'Quiz: ' + module.quiz.questions.length + ' questions') : null)));
}
