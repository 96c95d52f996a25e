// The Embed control: for the current view and a chosen panel, the iframe snippet a blog post or a
// supplement pastes, sized by a live preview of that embed (the embedded page reports the height
// its panel wants at the chosen width, see embed.js), with a copy button.

const $ = (id) => document.getElementById(id);
const WIDTH = { min: 280, max: 1600, initial: 720 };

/** `&`, `<`, `>` and `"` written as HTML attribute text. */
const attribute = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function embedAddress(panel, { origin, pathname, hash } = location) {
  return `${origin === 'null' ? 'file://' : origin}${pathname}?embed=${panel}${hash}`;
}

export function embedSnippet({ panel, title, width, height }, where = location) {
  return `<iframe src="${attribute(embedAddress(panel, where))}" width="${width}" height="${height}" ` +
    `style="border:0; max-width:100%" title="${attribute(`ldm-explorer: ${title}`)}" loading="lazy"></iframe>`;
}

/** A width typed into the control, or the message that refuses it (quoting what was typed). */
export function parseWidth(typed) {
  const width = Number(typed);
  if (typed.trim() === '' || !Number.isInteger(width) || width < WIDTH.min || width > WIDTH.max) {
    return { error: `width: a whole number of pixels from ${WIDTH.min} to ${WIDTH.max}, got "${typed}"` };
  }
  return { width };
}

export function setupEmbedControl() {
  const dialog = $('embed-dialog');
  // The preview's frame is made when the dialog first opens: even empty, an iframe is a document
  // of its own, which the page's start would pay for.
  let preview = null;
  const previewFrame = () => {
    if (!preview) {
      preview = document.createElement('iframe');
      preview.id = 'embed-preview';
      preview.title = 'Preview of the embedded panel';
      $('embed-preview-box').append(preview);
    }
    return preview;
  };
  const panels = [...document.querySelectorAll('section[data-embeddable]')].map((section) => ({
    panel: section.dataset.panel,
    title: section.querySelector('h2').textContent.trim(),
  }));
  const select = $('embed-panel');
  select.replaceChildren(...panels.map(({ panel, title }) => new Option(title, panel)));
  $('embed-width').value = WIDTH.initial;
  const fromDisk = location.protocol === 'file:';
  // A page opened from disk cannot be framed by a page on the web: say so instead of previewing.
  $('embed-note').textContent = fromDisk
    ? 'This copy was opened from disk, so there is no preview: an embed needs the explorer on a web server (the dist/site folder), and the snippet\'s address must then start with that copy\'s.'
    : 'The preview below is the embed itself, at the chosen width; its height is what the panel takes there.';

  let view = { ...panels[0], width: WIDTH.initial, height: Math.round(WIDTH.initial * 0.75), measured: false };
  const show = () => {
    $('embed-snippet').value = embedSnippet(view);
    $('embed-snippet').dataset.measured = String(view.measured);
    if (!preview) return;
    preview.width = view.width;
    preview.height = view.height;
  };
  // A new address or width makes the preview report its height again; the same address would
  // only be a fragment navigation, which reloads nothing and reports nothing.
  const reload = () => {
    const address = embedAddress(view.panel);
    if (!fromDisk) previewFrame();
    const changed = preview?.getAttribute('src') !== address || preview?.width !== String(view.width);
    if (changed) view = { ...view, measured: false };
    show();
    if (preview && preview.getAttribute('src') !== address) preview.src = address;
  };

  window.addEventListener('message', (event) => {
    if (!preview || event.source !== preview.contentWindow || event.data?.type !== 'ldm-explorer:size') return;
    if (event.data.panel !== view.panel || !Number.isFinite(event.data.height)) return;
    view = { ...view, height: Math.max(120, Math.ceil(event.data.height)), measured: true };
    show();
  });
  select.addEventListener('change', () => {
    view = { ...view, ...panels.find((p) => p.panel === select.value) };
    reload();
  });
  $('embed-width').addEventListener('input', () => {
    const typed = $('embed-width').value;
    const parsed = parseWidth(typed);
    $('embed-width').setAttribute('aria-invalid', String(Boolean(parsed.error)));
    $('embed-width-message').textContent = parsed.error ?? '';
    if (parsed.error) return;
    view = { ...view, width: parsed.width };
    reload();
  });
  $('embed-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('embed-snippet').value);
      $('embed-status').textContent = 'Snippet copied.';
    } catch {
      $('embed-snippet').select();
      $('embed-status').textContent = 'Select the snippet and copy it.';
    }
  });
  $('embed-open').addEventListener('click', () => {
    $('embed-status').textContent = '';
    reload();
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    // An embed left running in the hidden preview would keep its worker busy.
    preview?.removeAttribute('src');
  });
  $('embed-open').disabled = false;
}
