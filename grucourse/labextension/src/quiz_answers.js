// Answer widgets of a personalised quiz notebook: above every answer cell whose metadata says
// what it asks (grucourse.quiz_answer: the variable, the question type, the choice keys as shown;
// never the key), clickable choices, True/False or a number field. Choosing writes the plain
// literal the grader reads into the cell (`answer_q1 = "b"`), so the notebook stays the answer
// and a hand edit works as well; an edit by hand is shown back in the widget. Nothing here
// runs code or sets HTML: the metadata is checked against fixed patterns first, because a
// notebook passed on by someone else can carry any metadata.
import { Widget } from '@lumino/widgets';
import { el } from './dom';

const VARIABLE = /^answer_[A-Za-z0-9_]{1,64}$/;
const KEY = /^[a-z]$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TYPES = ['single', 'multiple', 'true_false', 'numeric'];
let groups = 0;

/** The cell's answer description, or null when there is none or it is not well formed. */
function description(cell) {
  const meta = cell.model.getMetadata('grucourse');
  const answer = meta && meta.quiz_answer;
  if (!answer || typeof answer.variable !== 'string' || !VARIABLE.test(answer.variable) ||
      !TYPES.includes(answer.type) || !Array.isArray(answer.keys) ||
      !answer.keys.every(key => typeof key === 'string' && KEY.test(key))) {
    return null;
  }
  if ((answer.type === 'single' || answer.type === 'multiple') && answer.keys.length === 0) {
    return null;
  }
  return { variable: answer.variable, type: answer.type, keys: answer.keys.slice(0, 26) };
}

/** The literal the cell assigns, as the widget shows it: {value} or {handEdited: true}. */
function readSource(source, variable) {
  const match = source.trim().match(new RegExp(`^${variable}\\s*=\\s*(.*)$`));
  if (!match) {
    return { handEdited: source.trim() !== '' };
  }
  const literal = match[1].trim();
  if (literal === 'None') {
    return { value: null };
  }
  if (literal === 'True' || literal === 'False') {
    return { value: literal === 'True' };
  }
  if (NUMBER.test(literal)) {
    return { value: literal };
  }
  const key = literal.match(/^["']([a-z])["']$/);
  if (key) {
    return { value: key[1] };
  }
  const list = literal.match(/^\[\s*((["'][a-z]["']\s*,\s*)*(["'][a-z]["'])?\s*,?\s*)\]$/);
  if (list) {
    return { value: Array.from(list[1].matchAll(/["']([a-z])["']/g), found => found[1]) };
  }
  return { handEdited: true };
}

/** The Python literal of a chosen value (null: unanswered). */
function literal(value) {
  if (value === null || (Array.isArray(value) && value.length === 0)) {
    return 'None';
  }
  if (value === true || value === false) {
    return value ? 'True' : 'False';
  }
  if (Array.isArray(value)) {
    return '[' + value.map(key => `"${key}"`).join(', ') + ']';
  }
  return typeof value === 'string' && KEY.test(value) ? `"${value}"` : String(value);
}

/** One labelled radio button or check box. */
function option(type, name, value, text) {
  const label = el('label', 'grucourse-quiz-option');
  const input = el('input');
  input.type = type;
  input.name = name;
  input.value = value;
  label.appendChild(input);
  label.appendChild(el('span', '', text));
  return { label, input };
}

/** The widget of one answer cell. */
function answerWidget(cell, answer) {
  const root = el('fieldset', 'grucourse-quiz-answer');
  root.dataset.variable = answer.variable;
  root.appendChild(el('legend', '', 'Your answer'));
  const note = el('span', 'grucourse-quiz-note');
  const write = value => cell.model.sharedModel.setSource(`${answer.variable} = ${literal(value)}`);
  let show;
  if (answer.type === 'numeric') {
    const input = el('input', 'grucourse-quiz-number');
    input.type = 'text';
    input.inputMode = 'decimal';
    input.setAttribute('aria-label', 'Your answer (a number)');
    input.placeholder = 'a number, e.g. 0.25 or 1200';
    input.addEventListener('input', () => {
      const text = input.value.trim();
      if (text !== '' && !NUMBER.test(text)) {
        note.textContent = 'Not a number: write digits, a point and an optional exponent (like 1.5e-3).';
        return;
      }
      note.textContent = '';
      write(text === '' ? null : text);
    });
    root.appendChild(input);
    show = state => {
      if (document.activeElement !== input) {
        input.value = state.value === null || state.value === undefined ? '' : String(state.value);
      }
    };
  } else {
    const name = `grucourse-quiz-${++groups}`;
    const multiple = answer.type === 'multiple';
    const values = answer.type === 'true_false' ? [true, false] : answer.keys;
    const inputs = values.map(value => {
      const text = value === true ? 'True' : value === false ? 'False' : `${value})`;
      const { label, input } = option(multiple ? 'checkbox' : 'radio', name, String(value), text);
      root.appendChild(label);
      return { value, input };
    });
    const chosen = () => {
      if (multiple) {
        return inputs.filter(item => item.input.checked).map(item => item.value);
      }
      const picked = inputs.find(item => item.input.checked);
      return picked ? picked.value : null;
    };
    for (const item of inputs) {
      item.input.addEventListener('change', () => write(chosen()));
    }
    show = state => {
      const value = state.value;
      for (const item of inputs) {
        item.input.checked = multiple ? Array.isArray(value) && value.includes(item.value) : value === item.value;
      }
    };
  }
  root.appendChild(note);
  const refresh = () => {
    const state = readSource(cell.model.sharedModel.getSource(), answer.variable);
    if (state.handEdited) {
      note.textContent = 'Edited by hand: choosing here replaces the cell.';
      show({ value: null });
    } else {
      if (note.textContent.startsWith('Edited by hand')) {
        note.textContent = '';
      }
      show(state);
    }
  };
  refresh();
  cell.model.contentChanged.connect(refresh);
  const widget = new Widget({ node: root });
  widget.disposed.connect(() => cell.model.contentChanged.disconnect(refresh));
  return widget;
}

/** Puts the widget above the cell's input once the cell has laid itself out (JupyterLab lays out
 * cells out of view lazily). */
async function decorate(cell) {
  if (cell.model.type !== 'code' || cell.grucourseQuizAnswer) {
    return;
  }
  const answer = description(cell);
  if (!answer) {
    return;
  }
  cell.grucourseQuizAnswer = true;
  await cell.ready;
  if (!cell.isDisposed) {
    cell.layout.insertWidget(1, answerWidget(cell, answer));
  }
}

class AnswerWidgets {
  createNew(panel, context) {
    void context.ready.then(() => {
      const notebook = panel.content;
      const all = () => notebook.widgets.forEach(cell => void decorate(cell));
      all();
      notebook.model.cells.changed.connect(() => void Promise.resolve().then(all));
    });
  }
}

const plugin = {
  id: 'grucourse-quiz-answers:plugin',
  description: 'Clickable answers for the quiz notebooks: they write the literal the grader reads',
  autoStart: true,
  activate: app => {
    app.docRegistry.addWidgetExtension('Notebook', new AnswerWidgets());
  }
};

export default plugin;
