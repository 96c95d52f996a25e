// Messages beside the controls: each field has a `<p id="{field}-message">`; a message marks that
// field's control (and only it) invalid for assistive technology and styling. A field with a
// message holds a value the page refused: links keep that field's last good value (url.js).

const $ = (id) => document.getElementById(id);

export function setMessage(field, text) {
  const element = $(`${field}-message`);
  if (!element) return;
  element.textContent = text;
  element.closest('.field, fieldset')?.classList.toggle('invalid', Boolean(text));
  const control = $(field);
  if (control) control.setAttribute('aria-invalid', text ? 'true' : 'false');
}

export function clearMessages(fields) {
  for (const field of fields) setMessage(field, '');
}

/** Whether a field's value is refused (its message is showing). */
export function isRefused(field) {
  return Boolean($(`${field}-message`)?.textContent);
}
