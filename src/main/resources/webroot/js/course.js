// Course generator: start a generation (or watch one by its session id), follow its log with
// timestamps and a colour per message type, its progress, and show the finished course.
import { Visitor, appendScrolled, clock, describe, el, fill, prefill, showStatus, values } from '/js/page.js';

const generateForm = document.getElementById('generate-form');
const watchForm = document.getElementById('watch-form');
const consoleList = document.getElementById('console');
const stopButton = document.getElementById('stop');
let visitor = null;
let sessionId = null;

prefill(generateForm);
prefill(watchForm);

function visitorFor(user) {
  if (!visitor || visitor.identity.userId !== user) {
    visitor?.close();
    visitor = new Visitor({ userId: user, role: 'learner' });
    showStatus(visitor.bus);
    visitor.bus.on('course_generation_update', (m, envelope) => envelope.room === sessionId && logLine(m));
    visitor.bus.on('course_generation_complete', (result, envelope) => envelope.room === sessionId && completed(result));
    visitor.bus.on('session_status', (status) => status.sessionId === sessionId && showJob(status));
  }
  return visitor;
}

/** Joins a generation's room from its first event: a late watcher sees the whole log. */
async function watch(id) {
  if (sessionId && sessionId !== id) {
    visitor.bus.leave(sessionId).catch(() => {});
  }
  sessionId = id;
  fill(consoleList);
  fill(document.getElementById('course'));
  document.getElementById('course-section').hidden = true;
  setProgress(0);
  const link = new URL('/course.html', location.href);
  link.searchParams.set('session', id);
  fill(document.getElementById('share'), 'Session ', el('code', {}, id), ' · ', el('a', { href: link.href }, 'link to watch it'));
  const status = await visitor.bus.emit('course.status', { sessionId: id });
  showJob(status);
  await visitor.bus.join(id, { since: 0 });
}

generateForm.addEventListener('submit', (e) => {
  e.preventDefault();
  run(generateForm, async (v) => {
    const { sessionId: id } = await visitorFor(v.user).bus.emit('course.generate', { topic: v.topic, level: v.level, webSearch: v.webSearch });
    await watch(id);
  });
});

watchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  run(watchForm, (v) => {
    visitorFor(v.user);
    return watch(v.session);
  });
});

stopButton.addEventListener('click', () => run(generateForm, () => visitor.bus.emit('course.cancel', { sessionId })));

async function run(form, action) {
  const error = form.querySelector('.error');
  fill(error);
  try {
    await action(values(form));
  } catch (failure) {
    fill(error, describe(failure));
  }
}

function logLine(message) {
  appendScrolled(consoleList, el('li', { class: message.type },
    el('time', { datetime: message.timestamp }, clock(message.timestamp)),
    el('span', { class: 'type' }, '[' + message.type + ']'), message.message));
  if (message.type === 'progress' && message.data && typeof message.data.percent === 'number') {
    setProgress(message.data.percent);
  }
}

function setProgress(percent) {
  document.getElementById('progress').value = percent;
  fill(document.getElementById('percent'), Math.round(percent) + ' %');
}

function showJob(status) {
  fill(document.getElementById('job-status'), '(' + status.status + (status.topic ? ': ' + status.topic : '') + ')');
  if (typeof status.percent === 'number') {
    setProgress(status.percent);
  }
  stopButton.disabled = status.status !== 'running' || status.owner !== visitor.identity.userId;
}

async function completed(result) {
  stopButton.disabled = true;
  fill(document.getElementById('job-status'), result.success ? '(completed)' : '(' + (result.error || 'failed') + ')');
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
