// The Embed control's snippet and its width field, without a browser: the address carries the view
// and survives HTML escaping, and a refused width quotes what was typed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { embedAddress, embedSnippet, parseWidth } from '../../www/embed-control.js';

const served = { origin: 'https://example.org', pathname: '/ldm/', hash: '#preset=fig4-right&score=plug-in&axis=logSnr' };

test('the snippet frames the chosen panel at the current view, escaped as HTML', () => {
  const address = embedAddress('capped', served);
  assert.equal(address, 'https://example.org/ldm/?embed=capped#preset=fig4-right&score=plug-in&axis=logSnr');
  const snippet = embedSnippet({ panel: 'capped', title: 'Capped score "C"', width: 640, height: 812 }, served);
  const src = snippet.match(/src="([^"]*)"/)[1];
  assert.equal(src.replaceAll('&amp;', '&'), address, 'the attribute decodes to the address');
  assert.ok(!/&(?!amp;|quot;|lt;|gt;)/.test(snippet), 'every & is escaped');
  assert.match(snippet, /width="640" height="812"/);
  assert.match(snippet, /title="ldm-explorer: Capped score &quot;C&quot;"/);
});

test('a page opened from disk gives a file address (its origin is "null")', () => {
  assert.equal(embedAddress('curves', { origin: 'null', pathname: '/home/me/ldm-explorer.html', hash: '' }), 'file:///home/me/ldm-explorer.html?embed=curves');
});

test('widths: whole pixels from 280 to 1600, anything else refused with what was typed', () => {
  assert.deepEqual(parseWidth('640'), { width: 640 });
  assert.deepEqual(parseWidth('1600'), { width: 1600 });
  for (const typed of ['', ' ', 'abc', '279', '1601', '640.5', '-700', 'NaN', '1e400']) {
    const { error } = parseWidth(typed);
    assert.ok(error?.includes(`got "${typed}"`), `${JSON.stringify(typed)} → ${error}`);
  }
});
