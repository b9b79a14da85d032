// A "Check" button in the notebook toolbar, next to nbgrader's Validate: it posts the open
// notebook (as it is now, saved or not) to the hub's grucourse-check service and shows the
// hidden checks' results in a dialog. Everything shown is set as text, never as HTML: messages
// can quote what the student wrote.
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';
import { el } from './dom';

const SERVICE = 'grucourse-check';
const RESTARTING = 'The check service is restarting or cannot be reached (if this lasts, reload the page: your hub log-in may have expired); please try again in a minute.';

/** The service's URL on this hub (same origin: the proxy routes /services/<name>/). */
function serviceUrl() {
  const hubPrefix = PageConfig.getOption('hubPrefix');
  return hubPrefix.replace(/hub\/?$/, '') + `services/${SERVICE}/`;
}

/** The session: who the hub says we are and the xsrf token for POSTs. It is loaded as a page
 * (a hidden frame, same origin) because the hub's OAuth hand-shake and its xsrf cookie are only
 * done for page loads, not for fetch(); the frame's text is the service's JSON answer. */
function session() {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.style.display = 'none';
    frame.src = serviceUrl() + 'api/session';
    const fail = () => {
      frame.remove();
      reject(new Error(RESTARTING));
    };
    const timer = setTimeout(fail, 60000);
    frame.addEventListener('load', () => {
      clearTimeout(timer);
      let info;
      try {
        info = JSON.parse(frame.contentDocument.body.textContent);
      } catch (error) {
        return fail();
      }
      frame.remove();
      resolve(info);
    });
    document.body.appendChild(frame);
  });
}

/** {status, body}: the service's JSON answer, or a "try again" when there is none. */
async function postCheck(assignment, notebook) {
  let response;
  try {
    const info = await session();
    if (!info.assignments.includes(assignment)) {
      return { status: 403, body: { status: 'not_allowed', message: `Checks are not open for ${assignment}.` } };
    }
    response = await fetch(serviceUrl() + `api/check/${encodeURIComponent(assignment)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': info.xsrf },
      body: JSON.stringify(notebook)
    });
  } catch (error) {
    return { status: 0, body: { status: 'try_again', message: RESTARTING } };
  }
  const type = response.headers.get('Content-Type') || '';
  if (!type.startsWith('application/json')) {
    return { status: response.status, body: { status: 'try_again', message: RESTARTING } };
  }
  return { status: response.status, body: await response.json() };
}

/** The result as a widget: one block per graded cell with its checks' lines. */
function resultWidget(answer) {
  const root = el('div', 'grucourse-check-result');
  const body = answer.body;
  root.dataset.status = body.status || 'error';
  if (body.status !== 'graded') {
    root.appendChild(el('p', 'grucourse-check-message', body.message || RESTARTING));
    if (body.retry_at) {
      root.appendChild(el('p', 'grucourse-check-retry', `Next check allowed at ${new Date(body.retry_at).toLocaleString()}.`));
    }
    return new Widget({ node: root });
  }
  const result = body.result;
  const passed = result.cells.filter(cell => cell.passed).length;
  const summary = `${passed} of ${result.cells.length} graded parts pass` +
    (result.score !== undefined ? ` — ${result.score} / ${result.max_score} points` : '');
  root.appendChild(el('p', 'grucourse-check-summary', summary));
  for (const problem of result.problems) {
    root.appendChild(el('p', 'grucourse-check-problem', problem));
  }
  for (const cell of result.cells) {
    const block = el('div', `grucourse-check-cell ${cell.passed ? 'grucourse-check-pass' : 'grucourse-check-fail'}`);
    const points = cell.score !== undefined ? ` (${cell.score} / ${cell.max_score})` : '';
    block.appendChild(el('div', 'grucourse-check-label', `${cell.passed ? 'PASS' : 'FAIL'} ${cell.label}${points}`));
    const list = el('ul');
    for (const line of cell.lines) {
      list.appendChild(el('li', '', line));
    }
    block.appendChild(list);
    root.appendChild(block);
  }
  root.appendChild(el('p', 'grucourse-check-note', 'Your grade comes from the version you submit, graded after the deadline.'));
  return new Widget({ node: root });
}

/** The toolbar button of one notebook panel. */
function checkButton(panel, context) {
  const node = el('button', 'jp-ToolbarButtonComponent jp-mod-minimal jp-Button grucourse-check-button', 'Check');
  node.title = 'Check this notebook against the course\'s hidden checks';
  const widget = new Widget({ node });
  widget.addClass('jp-Toolbar-item');
  node.addEventListener('click', async () => {
    const assignment = context.path.split('/').pop().replace(/\.ipynb$/, '');
    node.disabled = true;
    node.textContent = 'Checking…';
    let answer;
    try {
      answer = await postCheck(assignment, context.model.toJSON());
    } finally {
      node.disabled = false;
      node.textContent = 'Check';
    }
    await showDialog({
      title: `Check of ${assignment}`,
      body: resultWidget(answer),
      buttons: [Dialog.okButton({ label: 'Close' })]
    });
  });
  return widget;
}

/** Adds the button after nbgrader's Validate ("runAll" is the name nbgrader gives it) once
 * every toolbar extension has run, else before the toolbar's spacer; only on the hub (its
 * single-user servers set `hubPrefix`), since elsewhere no check service can answer. */
class CheckExtension {
  createNew(panel, context) {
    if (!PageConfig.getOption('hubPrefix')) {
      return;
    }
    const button = checkButton(panel, context);
    void Promise.resolve().then(() => {
      const names = Array.from(panel.toolbar.names());
      if (names.includes('runAll') && panel.toolbar.insertAfter('runAll', 'grucourseCheck', button)) {
        return;
      }
      const spacer = names.indexOf('spacer');
      panel.toolbar.insertItem(spacer < 0 ? names.length : spacer, 'grucourseCheck', button);
    });
    return button;
  }
}

const plugin = {
  id: 'grucourse-check:plugin',
  description: 'Check button: instant feedback from the course\'s hidden checks',
  autoStart: true,
  activate: app => {
    app.docRegistry.addWidgetExtension('Notebook', new CheckExtension());
  }
};

export default plugin;
