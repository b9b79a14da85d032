// DOM helpers of the course's JupyterLab plugins. Text is only ever set as text: what the
// plugins show can quote what a student wrote.

/** A DOM element holding `text` as text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = String(text);
  }
  return node;
}
