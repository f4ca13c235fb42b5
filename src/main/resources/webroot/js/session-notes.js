// The coaching page's session notes: a versioned document, loaded, saved against the version loaded
// (a refused save says so, with what to do), and shown as others save it unless it is being edited.
import { fill } from '/js/page.js';

export class SessionNotes {
  #form;
  #session;
  #version = 0;
  #dirty = false;
  #saving = false;

  /** `session()` gives the page's visitor and session id as they are now. */
  constructor(form, session) {
    this.#form = form;
    this.#session = session;
    form.addEventListener('input', () => (this.#dirty = true));
  }

  /** Being edited or saved: a load now would overwrite what the user typed. */
  get busy() {
    return this.#dirty || this.#saving;
  }

  /** Nothing of the session opened before stays: its text, its version, its conflict notice. */
  reset() {
    this.#form.reset();
    this.#version = 0;
    this.#dirty = false;
    this.#saving = false;
    fill(document.getElementById('doc-version'));
    fill(document.getElementById('doc-conflict'));
  }

  async load() {
    const { visitor, sessionId } = this.#session();
    const answer = await visitor.rest('GET', '/api/sessions/' + encodeURIComponent(sessionId));
    const d = answer.document || {};
    this.#form.elements.discussionNotes.value = d.discussionNotes || '';
    this.#form.elements.topicsCovered.value = (d.topicsCovered || []).join(', ');
    this.#form.elements.engagementScore.value = d.engagementScore ?? '';
    this.#setVersion(answer.version);
    this.#dirty = false;
    fill(document.getElementById('doc-conflict'));
    this.#form.querySelectorAll('button').forEach((b) => (b.disabled = false));
  }

  #setVersion(version) {
    this.#version = version;
    fill(document.getElementById('doc-version'), version ? '(version ' + version + ')' : '(not saved yet)');
  }

  /** Saves the form's values `v` against the version loaded; a refusal for a newer version says what to do. */
  async save(v) {
    const { visitor, sessionId } = this.#session();
    const updates = { discussionNotes: v.discussionNotes };
    updates.topicsCovered = v.topicsCovered ? v.topicsCovered.split(',').map((t) => t.trim()).filter(Boolean) : [];
    if (v.engagementScore !== '') {
      updates.engagementScore = Number(v.engagementScore);
    }
    this.#saving = true;
    try {
      const reply = await visitor.bus.emit('session.update', { sessionId, updates, expectedVersion: this.#version });
      this.#setVersion(reply.version);
      this.#dirty = false;
      fill(document.getElementById('doc-conflict'));
    } catch (error) {
      if (error.code === 409) {
        fill(document.getElementById('doc-conflict'), 'Not saved: someone saved a newer version. ' + error.message
          + '. Copy your text, choose “Load latest”, and save again.');
        return;
      }
      throw error;
    } finally {
      this.#saving = false;
    }
  }

  /** A `session:updated` event of the session. */
  updated(update) {
    const { visitor } = this.#session();
    if (update.version <= this.#version || (this.#saving && update.updatedBy?.id === visitor.identity.userId)) {
      return; // our own save: its reply sets the version
    }
    if (this.#dirty) {
      fill(document.getElementById('doc-conflict'), (update.updatedBy?.name || 'Someone') + ' saved version '
        + update.version + ' while you were editing. Saving now will be refused: choose “Load latest” first.');
      return;
    }
    // The document as that version left it: an older event that comes after this one changes nothing.
    const u = update.document || update.updates;
    if ('discussionNotes' in u) {
      this.#form.elements.discussionNotes.value = u.discussionNotes;
    }
    if ('topicsCovered' in u) {
      this.#form.elements.topicsCovered.value = u.topicsCovered.join(', ');
    }
    if ('engagementScore' in u) {
      this.#form.elements.engagementScore.value = u.engagementScore;
    }
    this.#setVersion(update.version);
  }
}
