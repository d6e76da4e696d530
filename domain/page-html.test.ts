import { describe, expect, it } from 'vitest';
import { allowedHref, sanitizePageHtml } from './page-html.ts';

const imagePath = '/api/gardens/val-du-doubs/page-images/';
const ownImage = `${imagePath}img-0123456789ab`;
const clean = (html: string) => sanitizePageHtml(html, { imagePath });

/** What no sanitized page may contain, whatever was sent. */
function expectHarmless(html: string) {
  const lower = html.toLowerCase();
  expect(lower).not.toMatch(
    /<script|<style|<iframe|<object|<embed|<form|<svg|<math|<input|<button|<base|<link|<meta/,
  );
  expect(lower).not.toMatch(/\son[a-z]+\s*=/);
  expect(lower).not.toMatch(/\sstyle\s*=/);
  expect(lower).not.toMatch(/javascript:|vbscript:|data:/);
  expect(lower).not.toContain('expression(');
}

describe('sanitizing a page', () => {
  it("keeps CKEditor's italic and bold (<i>, <b>) as emphasis, without their attributes", () => {
    expect(
      clean('<p><i class="x" onclick="alert(1)">italique</i> et <b style="color:red">gras</b></p>'),
    ).toBe('<p><em>italique</em> et <strong>gras</strong></p>');
  });

  it('keeps what CKEditor writes: headings, emphasis, lists, quotes, links, own images, tables', () => {
    const html =
      '<h2>Nos paniers</h2><h3>Le petit</h3><h4>Contenu</h4>' +
      '<p>Du <strong>gras</strong>, de l’<em>italique</em>, du <u>souligné</u>, du <s>barré</s>.<br />Ligne.</p><hr />' +
      '<blockquote><p>Une citation</p></blockquote><ul><li>un</li></ul><ol><li>deux</li></ol>' +
      '<p><a href="/jardins/val-du-doubs/pages/cgv">nos CGV</a> <a href="mailto:accueil@jardin.example.org">écrire</a> ' +
      '<a href="tel:+33381123456">appeler</a> <a href="https://www.cnil.fr" rel="noopener noreferrer">CNIL</a></p>' +
      `<figure class="image"><img src="${ownImage}" alt="Des carottes" width="640" height="480" /><figcaption>Récolte</figcaption></figure>` +
      '<figure class="table"><table><thead><tr><th colspan="2">Taille</th></tr></thead>' +
      '<tbody><tr><td rowspan="2">Petit</td><td>12 €</td></tr></tbody></table></figure>';
    expect(clean(html)).toBe(html);
  });

  it('drops scripts with their content, and every event handler', () => {
    const html = clean(
      '<p onclick="alert(1)" onmouseover=alert(2)>Texte</p><script>alert(3)</script><SCRIPT SRC=//evil.example/x.js></SCRIPT>' +
        '<img src="x" onerror="alert(4)"><p><a href="/x" onfocus="alert(5)" autofocus>lien</a></p>' +
        '<scr<script>ipt>alert(6)</scr</script>ipt>',
    );
    expectHarmless(html);
    expect(html).not.toContain('alert(3)');
    expect(html).toContain('<p>Texte</p>');
    expect(html).toContain('<a href="/x">lien</a>');
  });

  it('refuses javascript:, vbscript: and data: URLs, however they are written', () => {
    const hostile = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java&#09;script:alert(1)',
      'java&#x0A;script:alert(1)',
      '&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)',
      '&#x6A;avascript&colon;alert(1)',
      'javascript&#58;alert(1)',
      '\u0001javascript:alert(1)',
      'jav&NewLine;ascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'DATA:text/html,<script>alert(1)</script>',
    ];
    for (const href of hostile) {
      const html = clean(`<p><a href="${href}">lien</a></p>`);
      expectHarmless(html);
      expect(html, href).toBe('<p><a>lien</a></p>');
    }
  });

  it('keeps links only to http(s), mailto:, tel: or a path of this site, and marks external ones', () => {
    expect(clean('<a href="https://example.org" target="_blank" rel="opener">x</a>')).toBe(
      '<a href="https://example.org" rel="noopener noreferrer">x</a>',
    );
    for (const href of [
      '//evil.example/x',
      '\\\\evil.example',
      '/\\evil.example',
      'ftp://example.org',
      'file:///etc/passwd',
      'intent:x',
    ]) {
      expect(clean(`<a href="${href}">x</a>`), href).toBe('<a>x</a>');
    }
    expect(allowedHref('nos-paniers')).toEqual({ href: 'nos-paniers', external: false });
    expect(allowedHref('?page=2#haut')).toEqual({ href: '?page=2#haut', external: false });
  });

  it('keeps only the publisher’s own images: not another origin, another garden, data: or SVG', () => {
    for (const src of [
      'https://evil.example/img-0123456789ab',
      '//evil.example/api/gardens/val-du-doubs/page-images/img-0123456789ab',
      '/api/gardens/autre-jardin/page-images/img-0123456789ab',
      `${ownImage}?x=1`,
      `${ownImage}/../../../members`,
      'data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+',
      'javascript:alert(1)',
      '',
    ]) {
      const html = clean(`<figure class="image"><img src="${src}" alt="photo"></figure>`);
      expect(html, src).toBe('<figure class="image"></figure>');
    }
    expect(
      clean(
        `<img src="${ownImage}" alt="a" width="100%" height="9e9" title="t" srcset="https://evil.example/x 2x">`,
      ),
    ).toBe(`<img src="${ownImage}" alt="a" />`);
  });

  it('drops SVG and MathML with what they hold (scripts, handlers, foreign objects)', () => {
    const html = clean(
      '<svg onload="alert(1)"><script>alert(2)</script><foreignObject><p>x</p></foreignObject></svg>' +
        '<svg><a xlink:href="javascript:alert(3)"><text>clic</text></a></svg>' +
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(4)>',
    );
    expectHarmless(html);
    expect(html).not.toContain('alert');
  });

  it('drops style attributes and elements, CSS expressions included', () => {
    const html = clean(
      '<p style="background:url(javascript:alert(1))">a</p><p style="width: expression(alert(2))">b</p>' +
        '<style>p { behavior: url(x.htc) } body { background: expression(alert(3)) }</style>' +
        '<figure class="image image_resized" style="width:50%"><img src="' +
        ownImage +
        '" alt="c"></figure><p class="danger">d</p>',
    );
    expectHarmless(html);
    expect(html).toBe(
      `<p>a</p><p>b</p><figure class="image"><img src="${ownImage}" alt="c" /></figure><p>d</p>`,
    );
  });

  it('drops frames, objects, embeds, forms and their fields; the text of a form stays as text', () => {
    const html = clean(
      '<iframe src="https://evil.example"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>' +
        '<object data="x.swf"><param name="a" value="b"></object><embed src="x.swf">' +
        '<form action="https://evil.example"><label>Mot de passe</label><input type="password" name="p"><button formaction="javascript:alert(2)">Envoyer</button></form>' +
        '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"><link rel="stylesheet" href="x.css">',
    );
    expectHarmless(html);
    expect(html).toBe('Mot de passeEnvoyer');
  });

  it('closes nested and unclosed tags, and escapes what is not markup', () => {
    expect(clean('<p><strong><em>texte')).toBe('<p><strong><em>texte</em></strong></p>');
    expect(clean('<ul><li>a<li>b</ul>')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(clean('1 < 2 & 3 > 2 "ok"')).toBe('1 &lt; 2 &amp; 3 &gt; 2 "ok"');
    // In HTML, CDATA is a bogus comment ending at the first `>`: what follows is text, as browsers show it.
    expect(clean('<p title="a"b>x</p><!-- commentaire --><![CDATA[<script>]]>')).toBe('<p>x</p>]]&gt;');
    expectHarmless(clean('<<script>script>alert(1)<</script>/script>'));
  });

  it('keeps cell spans and sizes as small numbers only, and figure classes as image or table', () => {
    expect(
      clean('<table><tr><th colspan="0">a</th><td rowspan="2;x">b</td><td colspan=" 3 ">c</td></tr></table>'),
    ).toBe('<table><tr><th>a</th><td>b</td><td colspan="3">c</td></tr></table>');
    expect(
      clean('<figure class="table foo"><figcaption>x</figcaption></figure><figure class="x">y</figure>'),
    ).toBe('<figure class="table"><figcaption>x</figcaption></figure><figure>y</figure>');
  });

  it('sanitizes 200 000 characters of hostile HTML in well under a second or two', () => {
    const chunk =
      '<p onclick="x"><a href="javascript:alert(1)"><img src=x onerror=alert(1)><svg><script>1</script></svg>';
    const html = chunk.repeat(Math.ceil(200_000 / chunk.length)).slice(0, 200_000);
    const started = performance.now();
    const result = clean(html);
    expect(performance.now() - started).toBeLessThan(3_000);
    expectHarmless(result);
  });
});
