// Messages beside the controls: each field has a `<p id="{field}-message">`; a message marks that
// field's control invalid for assistive technology and styling.

const $ = (id) => document.getElementById(id);

export function setMessage(field, text) {
  const element = $(`${field}-message`);
  if (!element) return;
  element.textContent = text;
  element.closest('.field, fieldset, section')?.classList.toggle('invalid', Boolean(text));
  const control = $(field);
  if (control) control.setAttribute('aria-invalid', text ? 'true' : 'false');
}

export function clearMessages(fields) {
  for (const field of fields) setMessage(field, '');
}
